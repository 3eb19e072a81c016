/**
 * @file arc4random.h  arc4random() for libre's sys/rand.c in wasm
 *
 * libre is built with HAVE_ARC4RANDOM so that Call-IDs, tags, branches
 * and cnonces come from a CSPRNG.  glibc >= 2.36 declares and defines
 * these; Emscripten's libc does not, so crypto.c defines them on
 * crypto.getRandomValues() and this header declares them.  The wasm
 * build force-includes it when compiling sys/rand.c (emcc makes
 * implicit declarations errors).
 */
#ifdef __EMSCRIPTEN__
#include <stddef.h>
#include <stdint.h>

uint32_t arc4random(void);
void arc4random_buf(void *buf, size_t n);
#endif
