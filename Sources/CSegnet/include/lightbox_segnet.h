// A plain C face for running an ONNX segmentation network with OpenCV's DNN
// module. Every C++ exception is caught and returned as an error string,
// which the caller frees with lb_segnet_free_error.
#ifndef LIGHTBOX_SEGNET_H
#define LIGHTBOX_SEGNET_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct LbSegnet LbSegnet;

// Sets OpenCV's process-wide worker thread count.
void lb_segnet_set_threads(int threads);

// Parses an ONNX model from memory. Returns NULL on failure, with *error set.
LbSegnet *lb_segnet_load(const void *onnx, size_t length, char **error);

// Number of graph outputs, in ONNX order.
int lb_segnet_output_count(const LbSegnet *net);

// Runs one NCHW float image (batch 1) and copies output number `output_index`
// into `output` (at most `capacity` floats). Calls are serialised per network.
int lb_segnet_predict(LbSegnet *net, const float *input, int channels, int height, int width,
                      int output_index, float *output, size_t capacity,
                      int *output_height, int *output_width, char **error);

void lb_segnet_free(LbSegnet *net);

// Maximally stable extremal regions (OpenCV's MSER) of an 8-bit grey image, dark on light
// and light on dark: the candidate strokes and letters of text. Writes up to `capacity`
// regions as x, y, width, height and pixel count into `boxes` (5 ints each) and returns
// how many there are, or -1 with *error set.
int lb_stable_regions(const unsigned char *grey, int width, int height, int min_area, int max_area,
                      int *boxes, int capacity, char **error);
void lb_segnet_free_error(char *error);

#ifdef __cplusplus
}
#endif

#endif
