// A small, glib-free C face for the libvips calls Lightbox makes.
// libvips' own API is variadic, which Swift cannot call; every function here
// is plain. Functions returning int give 0 on success and -1 on failure, with
// the reason in lb_error_take().
#ifndef LIGHTBOX_VIPS_H
#define LIGHTBOX_VIPS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct LbImage LbImage;

typedef enum {
    LB_LOADER_JPEG = 0,
    LB_LOADER_PNG = 1,
    LB_LOADER_WEBP = 2,
    LB_LOADER_HEIF = 3,
    LB_LOADER_TIFF = 4
} LbLoader;

typedef enum {
    LB_FORMAT_UCHAR = 0,
    LB_FORMAT_USHORT = 2,
    LB_FORMAT_INT = 5,
    LB_FORMAT_FLOAT = 6,
    LB_FORMAT_DOUBLE = 8
} LbFormat;

typedef enum {
    LB_KERNEL_NEAREST = 0,
    LB_KERNEL_LINEAR = 1,
    LB_KERNEL_CUBIC = 2,
    LB_KERNEL_LANCZOS3 = 5
} LbKernel;

typedef enum {
    LB_EXTEND_BLACK = 0,
    LB_EXTEND_COPY = 1,
    LB_EXTEND_BACKGROUND = 5
} LbExtend;

typedef enum {
    LB_EQUAL = 0,
    LB_LESS = 2,
    LB_MORE = 4,
    LB_MOREEQ = 5
} LbRelation;

// Process-wide set-up; safe to call more than once.
int lb_init(void);
void lb_set_concurrency(int threads);
// The accumulated error text (caller frees with lb_free); clears the buffer.
char *lb_error_take(void);
void lb_free(void *pointer);
void lb_unref(LbImage *image);

// Header facts.
int lb_width(const LbImage *image);
int lb_height(const LbImage *image);
int lb_bands(const LbImage *image);
int lb_format(const LbImage *image);
// Nonzero for 3-band 8-bit sRGB with no ICC profile: pixels that need no conversion.
int lb_is_plain_srgb(const LbImage *image);
int lb_orientation(const LbImage *image);
int lb_has_field(const LbImage *image, const char *name);

// Loading. The buffer must outlive the returned image until it is copied to
// memory. shrink (JPEG, WebP) asks the decoder for a 1/shrink image.
int lb_load(const void *buffer, size_t length, LbLoader loader, int shrink, LbImage **out);
int lb_new_from_memory(const void *data, size_t length, int width, int height,
                       int bands, LbFormat format, LbImage **out);
int lb_copy_memory(LbImage *in, LbImage **out);
void *lb_write_to_memory(LbImage *in, size_t *length);

// Geometry and colour.
int lb_autorot(LbImage *in, LbImage **out);
// To 8-bit sRGB: through the embedded ICC profile when use_profile is set,
// otherwise by libvips' colourspace rules (untagged RGB is taken as sRGB).
int lb_to_srgb(LbImage *in, LbImage **out, int use_profile);
int lb_resize(LbImage *in, LbImage **out, double hscale, double vscale, LbKernel kernel);
/* Rotates by angle degrees about the centre (bilinear), growing the canvas to fit; new
   pixels are 0. */
int lb_rotate(LbImage *in, LbImage **out, double angle);
int lb_affine_scale(LbImage *in, LbImage **out, double hscale, double vscale,
                    double offset_x, double offset_y, int width, int height);
int lb_crop(LbImage *in, LbImage **out, int left, int top, int width, int height);
// Pastes sub over main at (x, y); the output has main's size.
int lb_insert(LbImage *main, LbImage *sub, LbImage **out, int x, int y);
// Box-average shrink by an integer factor, and nearest-neighbour zoom by one.
int lb_shrink(LbImage *in, LbImage **out, int factor);
int lb_zoom(LbImage *in, LbImage **out, int factor);
int lb_embed(LbImage *in, LbImage **out, int x, int y, int width, int height,
             LbExtend extend, const double *background, int n);

// Bands and types.
int lb_extract_bands(LbImage *in, LbImage **out, int first, int count);
int lb_bandjoin(LbImage *a, LbImage *b, LbImage **out);
int lb_bandjoin_const(LbImage *in, LbImage **out, const double *values, int n);
int lb_cast(LbImage *in, LbImage **out, LbFormat format);
// Tags pixels with how to read them: 0 multiband, 1 grey, 2 sRGB.
int lb_tag(LbImage *in, LbImage **out, int interpretation);

// Arithmetic. lb_linear computes in * a + b per band (n constants, or 1).
int lb_linear(LbImage *in, LbImage **out, const double *a, const double *b, int n, int uchar_out);
int lb_add(LbImage *a, LbImage *b, LbImage **out);
int lb_subtract(LbImage *a, LbImage *b, LbImage **out);
int lb_multiply(LbImage *a, LbImage *b, LbImage **out);
int lb_divide(LbImage *a, LbImage *b, LbImage **out);
int lb_sqrt(LbImage *in, LbImage **out);
int lb_bandmean(LbImage *in, LbImage **out);
int lb_relational_const(LbImage *in, LbImage **out, LbRelation relation, double value);
int lb_ifthenelse(LbImage *condition, LbImage *then_image, LbImage *else_image, LbImage **out);
// Per pixel then·c/255 + else·(1 − c/255), with c the 8-bit condition: alpha blending.
int lb_blend(LbImage *condition, LbImage *then_image, LbImage *else_image, LbImage **out);
int lb_min(LbImage *in, double *out);
int lb_max(LbImage *in, double *out);
int lb_avg(LbImage *in, double *out);

// Neighbourhoods.
int lb_box_filter(LbImage *in, LbImage **out, int radius);
int lb_gaussblur(LbImage *in, LbImage **out, double sigma);
int lb_label_regions(LbImage *in, LbImage **out, int *count);
int lb_project(LbImage *in, LbImage **columns, LbImage **rows);

// Creation and compositing.
int lb_black(LbImage **out, int width, int height, int bands);
// A constant image the size and type of like, every pixel `values` (one per band).
int lb_constant(LbImage *like, LbImage **out, const double *values, int n);
int lb_xyz(LbImage **out, int width, int height);
int lb_text(LbImage **out, const char *text, const char *font, int dpi);
int lb_composite_over(LbImage *base, LbImage *overlay, LbImage **out, int x, int y);
int lb_premultiply(LbImage *in, LbImage **out);
int lb_unpremultiply(LbImage *in, LbImage **out);

// A copy carrying no metadata but the XMP packet `xmp`, for the savers to write when
// `keep_xmp` is set.
int lb_with_xmp_only(LbImage *in, LbImage **out, const void *xmp, size_t length);

// Encoding, with all metadata stripped, or all but XMP when keep_xmp is set (the
// image then holds no other metadata: see lb_with_xmp_only). The caller frees *buffer
// with lb_free.
int lb_save_jpeg(LbImage *in, void **buffer, size_t *length, int quality, int progressive, int keep_xmp);
int lb_save_webp(LbImage *in, void **buffer, size_t *length, int quality, int effort, int keep_xmp);
int lb_save_avif(LbImage *in, void **buffer, size_t *length, int quality, int effort, int keep_xmp);
int lb_save_png(LbImage *in, void **buffer, size_t *length, int compression, int keep_xmp);

#ifdef __cplusplus
}
#endif

#endif
