#pragma once
#include <stddef.h>
#include <stdint.h>

/// main, for the fuzz binary: runs libFuzzer's driver over the harness LIGHTBOX_FUZZ_TARGET names.
int lightbox_fuzz_main(int argc, char **argv);
