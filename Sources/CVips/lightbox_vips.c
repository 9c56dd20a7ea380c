#include "lightbox_vips.h"

#include <pthread.h>
#include <string.h>
#include <vips/vips.h>

#define IMG(p) ((VipsImage *)(p))
#define OUT(p) ((VipsImage **)(p))

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_result = 0;

static void init_vips(void) {
    init_result = VIPS_INIT("lightbox");
    // The operation cache would keep references to finished images; we
    // process each image once, so it only costs memory.
    vips_cache_set_max(0);
    vips_block_untrusted_set(TRUE);
}

int lb_init(void) {
    pthread_once(&init_once, init_vips);
    return init_result;
}

void lb_set_concurrency(int threads) { vips_concurrency_set(threads); }

char *lb_error_take(void) { return vips_error_buffer_copy(); }

void lb_free(void *pointer) { g_free(pointer); }

void lb_unref(LbImage *image) {
    if (image) g_object_unref(IMG(image));
}

int lb_width(const LbImage *image) { return vips_image_get_width(IMG(image)); }
int lb_height(const LbImage *image) { return vips_image_get_height(IMG(image)); }
int lb_bands(const LbImage *image) { return vips_image_get_bands(IMG(image)); }
int lb_format(const LbImage *image) { return (int)vips_image_get_format(IMG(image)); }

int lb_is_plain_srgb(const LbImage *image) {
    VipsImage *in = IMG(image);
    return vips_image_get_bands(in) == 3 && vips_image_get_format(in) == VIPS_FORMAT_UCHAR &&
           vips_image_get_interpretation(in) == VIPS_INTERPRETATION_sRGB &&
           !vips_image_get_typeof(in, VIPS_META_ICC_NAME);
}

int lb_orientation(const LbImage *image) {
    int value = 1;
    if (vips_image_get_typeof(IMG(image), VIPS_META_ORIENTATION) &&
        vips_image_get_int(IMG(image), VIPS_META_ORIENTATION, &value) == 0)
        return value;
    return 1;
}

int lb_has_field(const LbImage *image, const char *name) {
    return vips_image_get_typeof(IMG(image), name) != 0;
}

int lb_load(const void *buffer, size_t length, LbLoader loader, int shrink, LbImage **out) {
    void *bytes = (void *)buffer;
    VipsFailOn fail = VIPS_FAIL_ON_ERROR;
    /* Streamed straight into the caller's memory image, instead of into a loader's buffer first. */
    VipsAccess access = VIPS_ACCESS_SEQUENTIAL;
    switch (loader) {
    case LB_LOADER_JPEG:
        return vips_jpegload_buffer(bytes, length, OUT(out), "shrink", shrink > 0 ? shrink : 1,
                                    "fail_on", fail, "access", access, NULL);
    case LB_LOADER_PNG:
        return vips_pngload_buffer(bytes, length, OUT(out), "fail_on", fail, "access", access, NULL);
    case LB_LOADER_WEBP:
        return vips_webpload_buffer(bytes, length, OUT(out), "scale", 1.0 / (shrink > 0 ? shrink : 1),
                                    "fail_on", fail, "access", access, NULL);
    case LB_LOADER_HEIF:
        return vips_heifload_buffer(bytes, length, OUT(out), "fail_on", fail, "access", access, NULL);
    case LB_LOADER_TIFF:
        return vips_tiffload_buffer(bytes, length, OUT(out), "fail_on", fail, "access", access, NULL);
    }
    vips_error("lightbox", "unknown loader %d", (int)loader);
    return -1;
}

int lb_new_from_memory(const void *data, size_t length, int width, int height,
                       int bands, LbFormat format, LbImage **out) {
    VipsImage *image = vips_image_new_from_memory_copy(data, length, width, height, bands,
                                                       (VipsBandFormat)format);
    *out = (LbImage *)image;
    return image ? 0 : -1;
}

int lb_copy_memory(LbImage *in, LbImage **out) {
    VipsImage *image = vips_image_copy_memory(IMG(in));
    *out = (LbImage *)image;
    return image ? 0 : -1;
}

void *lb_write_to_memory(LbImage *in, size_t *length) {
    return vips_image_write_to_memory(IMG(in), length);
}

int lb_autorot(LbImage *in, LbImage **out) { return vips_autorot(IMG(in), OUT(out), NULL); }

int lb_to_srgb(LbImage *in, LbImage **out, int use_profile) {
    VipsImage *converted = NULL;
    int failed = use_profile
        ? vips_icc_transform(IMG(in), &converted, "srgb", "embedded", TRUE,
                             "intent", VIPS_INTENT_RELATIVE, "depth", 8, NULL)
        : vips_colourspace(IMG(in), &converted, VIPS_INTERPRETATION_sRGB, NULL);
    if (failed) return -1;
    if (vips_image_get_format(converted) == VIPS_FORMAT_UCHAR) {
        *out = (LbImage *)converted;
        return 0;
    }
    int result = vips_cast(converted, OUT(out), VIPS_FORMAT_UCHAR, NULL);
    g_object_unref(converted);
    return result;
}

int lb_resize(LbImage *in, LbImage **out, double hscale, double vscale, LbKernel kernel) {
    return vips_resize(IMG(in), OUT(out), hscale, "vscale", vscale, "kernel", (VipsKernel)kernel, NULL);
}

int lb_rotate(LbImage *in, LbImage **out, double angle) {
    VipsInterpolate *bilinear = vips_interpolate_new("bilinear");
    int result = vips_similarity(IMG(in), OUT(out), "angle", angle, "interpolate", bilinear, NULL);
    g_object_unref(bilinear);
    return result;
}

int lb_affine_scale(LbImage *in, LbImage **out, double hscale, double vscale,
                    double offset_x, double offset_y, int width, int height) {
    VipsInterpolate *bilinear = vips_interpolate_new("bilinear");
    VipsArrayInt *area = vips_array_int_newv(4, 0, 0, width, height);
    int result = vips_affine(IMG(in), OUT(out), hscale, 0.0, 0.0, vscale,
                             "interpolate", bilinear, "oarea", area,
                             "odx", offset_x, "ody", offset_y,
                             "extend", VIPS_EXTEND_COPY, NULL);
    vips_area_unref(VIPS_AREA(area));
    g_object_unref(bilinear);
    return result;
}

int lb_crop(LbImage *in, LbImage **out, int left, int top, int width, int height) {
    return vips_crop(IMG(in), OUT(out), left, top, width, height, NULL);
}

int lb_insert(LbImage *main, LbImage *sub, LbImage **out, int x, int y) {
    return vips_insert(IMG(main), IMG(sub), OUT(out), x, y, NULL);
}

int lb_shrink(LbImage *in, LbImage **out, int factor) {
    return vips_shrink(IMG(in), OUT(out), (double)factor, (double)factor, NULL);
}

int lb_zoom(LbImage *in, LbImage **out, int factor) {
    return vips_zoom(IMG(in), OUT(out), factor, factor, NULL);
}

int lb_embed(LbImage *in, LbImage **out, int x, int y, int width, int height,
             LbExtend extend, const double *background, int n) {
    VipsArrayDouble *colour = vips_array_double_new(background, n);
    int result = vips_embed(IMG(in), OUT(out), x, y, width, height,
                            "extend", (VipsExtend)extend, "background", colour, NULL);
    vips_area_unref(VIPS_AREA(colour));
    return result;
}

int lb_extract_bands(LbImage *in, LbImage **out, int first, int count) {
    return vips_extract_band(IMG(in), OUT(out), first, "n", count, NULL);
}

int lb_bandjoin(LbImage *a, LbImage *b, LbImage **out) {
    VipsImage *images[2] = {IMG(a), IMG(b)};
    return vips_bandjoin(images, OUT(out), 2, NULL);
}

int lb_bandjoin_const(LbImage *in, LbImage **out, const double *values, int n) {
    return vips_bandjoin_const(IMG(in), OUT(out), (double *)values, n, NULL);
}

int lb_cast(LbImage *in, LbImage **out, LbFormat format) {
    return vips_cast(IMG(in), OUT(out), (VipsBandFormat)format, NULL);
}

int lb_tag(LbImage *in, LbImage **out, int interpretation) {
    VipsInterpretation tags[3] = {VIPS_INTERPRETATION_MULTIBAND, VIPS_INTERPRETATION_B_W,
                                  VIPS_INTERPRETATION_sRGB};
    if (interpretation < 0 || interpretation > 2) {
        vips_error("lightbox", "unknown interpretation %d", interpretation);
        return -1;
    }
    return vips_copy(IMG(in), OUT(out), "interpretation", tags[interpretation], NULL);
}

int lb_linear(LbImage *in, LbImage **out, const double *a, const double *b, int n, int uchar_out) {
    return vips_linear(IMG(in), OUT(out), (double *)a, (double *)b, n, "uchar", uchar_out, NULL);
}

int lb_add(LbImage *a, LbImage *b, LbImage **out) { return vips_add(IMG(a), IMG(b), OUT(out), NULL); }
int lb_subtract(LbImage *a, LbImage *b, LbImage **out) { return vips_subtract(IMG(a), IMG(b), OUT(out), NULL); }
int lb_multiply(LbImage *a, LbImage *b, LbImage **out) { return vips_multiply(IMG(a), IMG(b), OUT(out), NULL); }
int lb_divide(LbImage *a, LbImage *b, LbImage **out) { return vips_divide(IMG(a), IMG(b), OUT(out), NULL); }

int lb_sqrt(LbImage *in, LbImage **out) {
    return vips_pow_const1(IMG(in), OUT(out), 0.5, NULL);
}

int lb_bandmean(LbImage *in, LbImage **out) { return vips_bandmean(IMG(in), OUT(out), NULL); }

int lb_relational_const(LbImage *in, LbImage **out, LbRelation relation, double value) {
    return vips_relational_const1(IMG(in), OUT(out), (VipsOperationRelational)relation, value, NULL);
}

int lb_ifthenelse(LbImage *condition, LbImage *then_image, LbImage *else_image, LbImage **out) {
    return vips_ifthenelse(IMG(condition), IMG(then_image), IMG(else_image), OUT(out), NULL);
}

int lb_blend(LbImage *condition, LbImage *then_image, LbImage *else_image, LbImage **out) {
    return vips_ifthenelse(IMG(condition), IMG(then_image), IMG(else_image), OUT(out), "blend", TRUE, NULL);
}

int lb_min(LbImage *in, double *out) { return vips_min(IMG(in), out, NULL); }
int lb_max(LbImage *in, double *out) { return vips_max(IMG(in), out, NULL); }
int lb_avg(LbImage *in, double *out) { return vips_avg(IMG(in), out, NULL); }

int lb_box_filter(LbImage *in, LbImage **out, int radius) {
    int size = 2 * radius + 1;
    VipsImage *mask = vips_image_new_matrix(size, 1);
    for (int i = 0; i < size; i++) *VIPS_MATRIX(mask, i, 0) = 1.0 / size;
    int result = vips_convsep(IMG(in), OUT(out), mask, "precision", VIPS_PRECISION_FLOAT, NULL);
    g_object_unref(mask);
    return result;
}

int lb_gaussblur(LbImage *in, LbImage **out, double sigma) {
    // A 2% cut-off keeps the Gaussian's tails (libvips' default of 20% clips them visibly).
    return vips_gaussblur(IMG(in), OUT(out), sigma, "precision", VIPS_PRECISION_FLOAT,
                          "min_ampl", 0.02, NULL);
}

int lb_label_regions(LbImage *in, LbImage **out, int *count) {
    return vips_labelregions(IMG(in), OUT(out), "segments", count, NULL);
}

int lb_project(LbImage *in, LbImage **columns, LbImage **rows) {
    return vips_project(IMG(in), OUT(columns), OUT(rows), NULL);
}

int lb_black(LbImage **out, int width, int height, int bands) {
    return vips_black(OUT(out), width, height, "bands", bands, NULL);
}

int lb_constant(LbImage *like, LbImage **out, const double *values, int n) {
    VipsImage *image = vips_image_new_from_image(IMG(like), values, n);
    *out = (LbImage *)image;
    return image ? 0 : -1;
}

int lb_xyz(LbImage **out, int width, int height) { return vips_xyz(OUT(out), width, height, NULL); }

int lb_text(LbImage **out, const char *text, const char *font, int dpi) {
    return vips_text(OUT(out), text, "font", font, "dpi", dpi, NULL);
}

int lb_composite_over(LbImage *base, LbImage *overlay, LbImage **out, int x, int y) {
    return vips_composite2(IMG(base), IMG(overlay), OUT(out), VIPS_BLEND_MODE_OVER,
                           "x", x, "y", y, NULL);
}

int lb_premultiply(LbImage *in, LbImage **out) { return vips_premultiply(IMG(in), OUT(out), NULL); }
int lb_unpremultiply(LbImage *in, LbImage **out) { return vips_unpremultiply(IMG(in), OUT(out), NULL); }

int lb_with_xmp_only(LbImage *in, LbImage **out, const void *xmp, size_t length) {
    if (vips_copy(IMG(in), OUT(out), NULL)) return -1;
    // A copy of the names: removing fields while vips_image_map walks them would free its list under it.
    gchar **fields = vips_image_get_fields(IMG(*out));
    for (int index = 0; fields[index]; index++) {
        const char *field = fields[index];
        if (vips_isprefix("exif-", field) || vips_isprefix("iptc-", field) || vips_isprefix("xmp-", field)
            || vips_isprefix("icc-", field) || vips_isprefix("png-comment", field) || strcmp(field, "orientation") == 0)
            vips_image_remove(IMG(*out), field);
    }
    g_strfreev(fields);
    vips_image_set_blob_copy(IMG(*out), VIPS_META_XMP_NAME, xmp, length);
    return 0;
}

int lb_save_jpeg(LbImage *in, void **buffer, size_t *length, int quality, int progressive, int keep_xmp) {
    return vips_jpegsave_buffer(IMG(in), buffer, length, "Q", quality, "interlace", progressive,
                                "optimize_coding", TRUE, "strip", !keep_xmp, NULL);
}

int lb_save_webp(LbImage *in, void **buffer, size_t *length, int quality, int effort, int keep_xmp) {
    return vips_webpsave_buffer(IMG(in), buffer, length, "Q", quality, "effort", effort,
                                "strip", !keep_xmp, NULL);
}

int lb_save_avif(LbImage *in, void **buffer, size_t *length, int quality, int effort, int keep_xmp) {
    return vips_heifsave_buffer(IMG(in), buffer, length, "Q", quality,
                                "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
                                "effort", effort, "strip", !keep_xmp, NULL);
}

int lb_save_png(LbImage *in, void **buffer, size_t *length, int compression, int keep_xmp) {
    return vips_pngsave_buffer(IMG(in), buffer, length, "compression", compression,
                               "strip", !keep_xmp, NULL);
}
