// The fuzz binary's entry point. SwiftPM links an executable with main bound to
// `<module>_main`; here that hands the arguments to libFuzzer's driver, which calls
// LLVMFuzzerInitialize and LLVMFuzzerTestOneInput (defined in Driver.swift).
#include "fuzz_entry.h"

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test_one_input)(const uint8_t *data, size_t size));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int lightbox_fuzz_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
