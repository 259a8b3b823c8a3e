import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  type RESTPatchAPIWebhookWithTokenMessageJSONBody,
} from 'discord.js';

/** Discord refuses uploads above 10 MiB per message; stay under with room for the JSON. */
export const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024 - 64 * 1024;
const EMBED_COLOUR = 0xff7518;

export interface MaskFile {
  id: string;
  png: Uint8Array;
}

/** A message body plus the files it refers to, ready for a webhook edit or a channel post. */
export interface OutgoingMessage {
  body: RESTPatchAPIWebhookWithTokenMessageJSONBody & { content?: string };
  files: Array<{ name: string; data: Uint8Array; contentType: string }>;
}

/** File names without spaces or odd characters: Discord's embeds cannot refer to such attachments. */
export function attachmentName(id: string, extension: 'png' | 'webp'): string {
  return `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.${extension}`;
}

/** Custom ids of the buttons under a mask; they carry the mask id, so they work after a restart. */
export function maskButtons(maskId: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(`mask:reroll:${maskId}`)
      .setLabel('Reroll')
      .setEmoji('🎲')
      .setStyle(ButtonStyle.Secondary),
    new ButtonBuilder()
      .setCustomId(`mask:vary:${maskId}`)
      .setLabel('Variations')
      .setEmoji('🧬')
      .setStyle(ButtonStyle.Secondary),
    new ButtonBuilder()
      .setCustomId(`mask:morph:${maskId}`)
      .setLabel('Morph')
      .setEmoji('🌀')
      .setStyle(ButtonStyle.Secondary),
  );
}

/** One embed per mask, the image inside it, the id in the footer, and buttons per mask. */
export function masksMessage(masks: MaskFile[], options: { content: string; step: number }): OutgoingMessage {
  const files = masks.map((m) => ({
    name: attachmentName(m.id, 'png'),
    data: m.png,
    contentType: 'image/png',
  }));
  const embeds = masks.map((m, i) =>
    new EmbedBuilder()
      .setColor(EMBED_COLOUR)
      .setImage(`attachment://${(files[i] as { name: string }).name}`)
      .setFooter({ text: `mask ${m.id} · step ${options.step}` })
      .toJSON(),
  );
  const components = masks.slice(0, 5).map((m) => maskButtons(m.id).toJSON());
  return {
    body: {
      content: options.content,
      embeds,
      components,
      attachments: files.map((f, i) => ({ id: i, filename: f.name })),
    },
    files,
  };
}

/** A morph animation in one embed. */
export function morphMessage(
  animation: Uint8Array,
  fromId: string,
  toId: string,
  step: number,
): OutgoingMessage {
  const name = attachmentName(`morph-${fromId}`, 'webp');
  const embed = new EmbedBuilder()
    .setColor(EMBED_COLOUR)
    .setImage(`attachment://${name}`)
    .setFooter({ text: `morph ${fromId} → ${toId} · step ${step}` })
    .toJSON();
  return {
    body: {
      content: '🌀 From one nightmare to the next:',
      embeds: [embed],
      components: [maskButtons(toId).toJSON()],
      attachments: [{ id: 0, filename: name }],
    },
    files: [{ name, data: animation, contentType: 'image/webp' }],
  };
}

export function totalBytes(message: OutgoingMessage): number {
  return message.files.reduce((n, f) => n + f.data.byteLength, 0);
}

/** A text-only message (queue position, a refusal, a kind "not yet"). */
export function textMessage(content: string): OutgoingMessage {
  return { body: { content, embeds: [], components: [], attachments: [] }, files: [] };
}
