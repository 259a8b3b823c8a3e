# nightmask on a GPU host: the bot, the trainer and the nightly schedule in one container.
#
#   docker compose up -d                      # builds, reserves the GPU, keeps data/ and models/
#   docker compose run --rm nightmask doctor  # what it would train on, and why
#
# On an NVIDIA host it trains on WebGPU through the driver's Vulkan part, which the NVIDIA container
# toolkit mounts only with the `graphics` capability (set below). Without a GPU it trains on the native
# CPU kernels built here. Configuration comes from the environment (see .env.example).

# --- build: dependencies, TypeScript and the native kernels ------------------------------------------
FROM node:20.20-bookworm-slim AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# node-gyp builds the native kernels and better-sqlite3; the official image carries Node's headers.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json tsconfig.json binding.gyp ./
COPY src ./src
COPY commands ./commands
# npm ci runs the install script (the native kernels) and prepare (tsc into dist/). tfjs-node-gpu, an
# optional dependency, fails to fetch libtensorflow on most hosts and npm then skips it.
RUN npm ci --no-audit --no-fund \
 && if [ ! -f build/Release/nightmask_native.node ]; then \
      echo 'the native kernels did not build: see the node-gyp output above' >&2; exit 1; \
    fi

# Production dependencies only. tfjs-node-gpu wants CUDA 11.2 and cuDNN 8.1, which this image does not
# carry, so it is dropped even where its download worked: WebGPU is this image's GPU path.
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/@tensorflow/tfjs-node-gpu build/Release/obj.target build/Release/.deps

# --- runtime ------------------------------------------------------------------------------------------
FROM node:20.20-bookworm-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# libvulkan1: the Vulkan loader Dawn opens; the driver itself comes from the host. OpenBLAS for the
# native kernels' matrix products when there is no GPU. The manifest points the loader at NVIDIA's
# driver library: the toolkit mounts the library with the graphics capability, and on some hosts not
# the manifest; where it does mount one, it lands on this same path and replaces this copy.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libvulkan1 libopenblas0-pthread \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /etc/vulkan/icd.d \
 && printf '%s\n' '{"file_format_version": "1.0.0", "ICD": {"library_path": "libGLX_nvidia.so.0", "api_version": "1.3.0"}}' \
      > /etc/vulkan/icd.d/nvidia_icd.json

ENV NODE_ENV=production \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics

WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/build/Release ./build/Release
COPY scripts/docker-healthcheck.mjs ./scripts/

# The image's own user, not root; data/, models/ and out/ are its only writable folders.
RUN mkdir -p data models out && chown node:node data models out
USER node
VOLUME ["/app/data", "/app/models"]

# Healthy while the trainer keeps models/status.json fresh; the first start builds the data set first.
HEALTHCHECK --interval=1m --timeout=10s --start-period=15m --retries=3 \
  CMD ["node", "scripts/docker-healthcheck.mjs"]

# Exec form: node is PID 1 and gets SIGTERM itself, then stops the schedule, lets the trainer save a
# checkpoint and closes the Discord connection. Give it time: `docker stop -t 120` (compose sets it).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["start"]
