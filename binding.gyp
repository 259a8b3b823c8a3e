{
  "targets": [
    {
      "target_name": "nightmask_native",
      "sources": [
        "src/native/cc/addon.cc",
        "src/native/cc/blas.cc",
        "src/native/cc/conv.cc",
        "src/native/cc/elementwise.cc",
        "src/native/cc/gemm_fallback.cc",
        "src/native/cc/grad.cc",
        "src/native/cc/layers.cc",
        "src/native/cc/reduce.cc"
      ],
      "cflags_cc!": ["-fno-exceptions", "-O2", "-O3"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "-fno-trapping-math", "-Wall", "-Wextra",
                    "-Wno-unused-parameter"],
      "libraries": ["-ldl"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
