/* Compiled only where flux-core is installed: flux-core's headers first, then
 * the shim's own declarations in checking mode.  A prototype that differs is a
 * conflicting declaration, a constant that differs a failed static assertion:
 * either fails the build, and so this test. */
#include <flux/core.h>

#define FLUXTRACE_CHECK_AGAINST_FLUX_HEADERS
#include "flux_api.h"
