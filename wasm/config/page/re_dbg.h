/**
 * @file re_dbg.h  libre's debug header, capped for the release page core
 *
 * Found ahead of libre's own by the page core's builds of the libre files
 * that log (tools/core.mk RE_PAGE_SRCS).  Each of them sets its own
 * DEBUG_LEVEL (5 mostly), so their warnings and notices would stay in
 * the page core, which prints only errors: from logLevel 2 the shim loads
 * the debug page core, which links libre's usual build.  Capped at the
 * page core's level (PAGE_DEBUG_LEVEL), libre logs what our C logs there.
 */
#if defined(PAGE_DEBUG_LEVEL) && PAGE_DEBUG_LEVEL < DEBUG_LEVEL
#undef DEBUG_LEVEL
#define DEBUG_LEVEL PAGE_DEBUG_LEVEL
#endif

#include_next <re_dbg.h>
