// Only CVips includes libvips; this module exists to carry libvips' pkg-config flags.
#include <vips/vips.h>
