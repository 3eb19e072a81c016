/**
 * @file log.c  libre's debug API (re_dbg.h) without stdio
 *
 * Replaces libre's dbg/dbg.c, which falls back to stderr and log files
 * and so links the C library's whole stdio (and a clock) into the wasm.
 * Here a debug line goes to the print handler only (the core sets one
 * that forwards to spjs_log); with no handler it goes nowhere.
 *
 * Also replaces libre's fmt/str_error.c (what "%m" prints): errno names
 * instead of the C library's message table (2 KB of text in the wasm).
 * The release page core (built with PAGE_CORE, DEBUG_LEVEL below 6) names
 * only the errnos it can print: a refused message's (transport) and
 * ENOMEM; the rest print as numbers.  Its debug build (every level, the
 * info lines' errnos too) names them all.
 */
#include <stdarg.h>
#include <re.h>

#define DEBUG_MODULE "dbg"
#include <re_dbg.h>


static struct {
	int level;
	dbg_print_h *ph;
	void *arg;
} dbg = {
	DBG_INFO,
	NULL,
	NULL,
};


/**
 * Initialise debug printing
 *
 * @param level Highest level printed (DBG_EMERG .. DBG_DEBUG)
 * @param flags Ignored: no terminal to colour, no time prefix
 */
void dbg_init(int level, enum dbg_flags flags)
{
	(void)flags;

	dbg.level = level;
}


/** Close debugging (nothing is open) */
void dbg_close(void)
{
}


/**
 * Log files are not supported in the core
 *
 * @param name Ignored
 *
 * @return ENOTSUP, or 0 when @p name is NULL (close)
 */
int dbg_logfile_set(const char *name)
{
	return name ? ENOTSUP : 0;
}


/**
 * Set the print handler every debug line goes to
 *
 * @param ph  Print handler, NULL for none
 * @param arg Handler argument
 */
void dbg_handler_set(dbg_print_h *ph, void *arg)
{
	dbg.ph  = ph;
	dbg.arg = arg;
}


static void dbg_vprintf(int level, const char *fmt, va_list ap)
{
	char buf[256];
	int len;

	if (level > dbg.level || !dbg.ph)
		return;

	len = re_vsnprintf(buf, sizeof(buf), fmt, ap);
	if (len <= 0)
		return;

	dbg.ph(level, buf, (size_t)len < sizeof(buf) ? (size_t)len :
	       sizeof(buf) - 1, dbg.arg);
}


/**
 * Print a formatted debug message
 *
 * @param level Debug level
 * @param fmt   Formatted string
 */
void dbg_printf(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dbg_vprintf(level, fmt, ap);
	va_end(ap);
}


/**
 * Print nothing
 *
 * @param fmt Formatted string
 */
void dbg_noprintf(const char *fmt, ...)
{
	(void)fmt;
}


/**
 * Print a formatted warning message
 *
 * @param fmt Formatted string
 */
void dbg_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dbg_vprintf(DBG_WARNING, fmt, ap);
	va_end(ap);
}


/**
 * Print a formatted notice message
 *
 * @param fmt Formatted string
 */
void dbg_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dbg_vprintf(DBG_NOTICE, fmt, ap);
	va_end(ap);
}


/**
 * Print a formatted info message
 *
 * @param fmt Formatted string
 */
void dbg_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dbg_vprintf(DBG_INFO, fmt, ap);
	va_end(ap);
}


/**
 * Name an error number, as "%m" prints it
 *
 * @param errnum Error number (errno.h, re_types.h)
 * @param buf    Buffer for a number without a name
 * @param sz     Size of @p buf
 *
 * @return The errno's name ("ETIMEDOUT"), "error N" in @p buf, or
 *         "error" when @p buf is too small
 */
const char *str_error(int errnum, char *buf, size_t sz)
{
	switch (errnum) {

	case EINVAL:          return "EINVAL";
	case ENOMEM:          return "ENOMEM";
	case EBADMSG:         return "EBADMSG";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EMSGSIZE:        return "EMSGSIZE";
#if !defined(PAGE_CORE) || DEBUG_LEVEL >= 6
	case 0:               return "no error";
	case ENOENT:          return "ENOENT";
	case EPROTO:          return "EPROTO";
	case EAUTH:           return "EAUTH";
	case EALREADY:        return "EALREADY";
	case ETIMEDOUT:       return "ETIMEDOUT";
	case ENOTCONN:        return "ENOTCONN";
	case ECONNRESET:      return "ECONNRESET";
	case ENOSYS:          return "ENOSYS";
	case ENODATA:         return "ENODATA";
	case ENOTSUP:         return "ENOTSUP";
	case EBUSY:           return "EBUSY";
	case ERANGE:          return "ERANGE";
	case EOVERFLOW:       return "EOVERFLOW";
#endif
	default:
		if (!buf || re_snprintf(buf, sz, "error %d", errnum) < 0)
			return "error";
		return buf;
	}
}


/**
 * Get the name of a debug level
 *
 * @param level Debug level
 *
 * @return Name of the level
 */
const char *dbg_level_str(int level)
{
	switch (level) {

	case DBG_EMERG:   return "EMERGENCY";
	case DBG_ALERT:   return "ALERT";
	case DBG_CRIT:    return "CRITICAL";
	case DBG_ERR:     return "ERROR";
	case DBG_WARNING: return "WARNING";
	case DBG_NOTICE:  return "NOTICE";
	case DBG_INFO:    return "INFO";
	case DBG_DEBUG:   return "DEBUG";
	default:          return "???";
	}
}
