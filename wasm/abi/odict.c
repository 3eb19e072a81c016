/**
 * @file odict.c  The decoded commands' dictionaries: libre's odict on a list
 *
 * Replaces libre's odict/ (entry.c, get.c, odict.c, type.c) with the
 * functions the core calls, the same struct odict and struct odict_entry
 * (re_odict.h) and the same results.  A command has a few members per
 * object (jsondec.c takes at most 256), so a lookup walks the list
 * instead of a hash table: the hash size is accepted and not used, o->ht
 * and e->he stay empty.  An entry is one allocation holding its key and
 * its string (abi.c's wipe_secrets() zeroizes the string where it is);
 * mem_deref() of a dictionary frees its entries and what they hold.
 */
#include <string.h>
#include <re.h>


static void entry_destructor(void *arg)
{
	struct odict_entry *e = arg;

	list_unlink(&e->le);
	if (odict_type_iscontainer(e->type))
		mem_deref(e->u.odict);
}


static void destructor(void *arg)
{
	struct odict *o = arg;

	list_flush(&o->lst);
}


/**
 * Allocate an empty dictionary
 *
 * @param op        Returns the dictionary
 * @param hash_size Accepted as libre's, not used
 *
 * @return 0 if success, otherwise errorcode
 */
int odict_alloc(struct odict **op, uint32_t hash_size)
{
	struct odict *o;

	if (!op || !hash_size)
		return EINVAL;

	o = mem_zalloc(sizeof(*o), destructor);
	if (!o)
		return ENOMEM;

	*op = o;

	return 0;
}


/**
 * Find an entry by its key
 *
 * @param o   Dictionary
 * @param key Key
 *
 * @return The first entry added under @p key, NULL if none
 */
const struct odict_entry *odict_lookup(const struct odict *o, const char *key)
{
	struct le *le;

	if (!o || !key)
		return NULL;

	for (le = o->lst.head; le; le = le->next) {
		const struct odict_entry *e = le->data;

		if (!strcmp(e->key, key))
			return e;
	}

	return NULL;
}


/**
 * Count the entries of a dictionary
 *
 * @param o      Dictionary
 * @param nested Count the values inside objects and arrays, not these
 *
 * @return Number of entries
 */
size_t odict_count(const struct odict *o, bool nested)
{
	struct le *le;
	size_t n = 0;

	if (!o)
		return 0;

	for (le = o->lst.head; le; le = le->next) {
		const struct odict_entry *e = le->data;

		if (nested && odict_type_iscontainer(e->type))
			n += odict_count(e->u.odict, true);
		else
			++n;
	}

	return n;
}


/**
 * Add an entry at the end of a dictionary
 *
 * @param o    Dictionary
 * @param key  Key (copied)
 * @param type Value type, then the value: struct odict * (referenced),
 *             const char * (copied), int64_t, double, bool or nothing
 *
 * @return 0 if success, otherwise errorcode
 */
int odict_entry_add(struct odict *o, const char *key, int type, ...)
{
	struct odict_entry *e;
	const char *str = NULL;
	size_t klen, slen = 0;
	va_list ap;
	int err = 0;

	if (!o || !key)
		return EINVAL;

	va_start(ap, type);

	if (type == ODICT_STRING) {
		str = va_arg(ap, const char *);
		if (!str) {
			err = EINVAL;
			goto out;
		}

		slen = strlen(str) + 1;
	}

	klen = strlen(key) + 1;
	e = mem_zalloc(sizeof(*e) + klen + slen, entry_destructor);
	if (!e) {
		err = ENOMEM;
		goto out;
	}

	e->key = memcpy(e + 1, key, klen);
	e->type = type;

	switch (type) {

	case ODICT_OBJECT:
	case ODICT_ARRAY:
		e->u.odict = mem_ref(va_arg(ap, struct odict *));
		break;

	case ODICT_STRING:
		e->u.str = memcpy(e->key + klen, str, slen);
		break;

	case ODICT_INT:
		e->u.integer = va_arg(ap, int64_t);
		break;

	case ODICT_DOUBLE:
		e->u.dbl = va_arg(ap, double);
		break;

	case ODICT_BOOL:
		e->u.boolean = va_arg(ap, int);
		break;

	case ODICT_NULL:
		break;

	default:
		mem_deref(e);
		err = EINVAL;
		goto out;
	}

	list_append(&o->lst, &e->le, e);

 out:
	va_end(ap);

	return err;
}


/**
 * Whether a type holds entries
 *
 * @param type Value type
 *
 * @return true for ODICT_OBJECT and ODICT_ARRAY
 */
bool odict_type_iscontainer(enum odict_type type)
{
	return type == ODICT_OBJECT || type == ODICT_ARRAY;
}


/**
 * Find an entry by its key and type
 *
 * @param o    Dictionary
 * @param type Value type
 * @param key  Key
 *
 * @return The entry, NULL if none or of another type
 */
const struct odict_entry *odict_get_type(const struct odict *o,
					 enum odict_type type, const char *key)
{
	const struct odict_entry *e = odict_lookup(o, key);

	return e && e->type == type ? e : NULL;
}


/**
 * Get a string value
 *
 * @param o   Dictionary
 * @param key Key
 *
 * @return The string, NULL if none or not a string
 */
const char *odict_string(const struct odict *o, const char *key)
{
	const struct odict_entry *e = odict_get_type(o, ODICT_STRING, key);

	return e ? e->u.str : NULL;
}


/**
 * Get a number (an integer, or a double truncated)
 *
 * @param o   Dictionary
 * @param num Returns the number (optional)
 * @param key Key
 *
 * @return true if @p key is a number
 */
bool odict_get_number(const struct odict *o, uint64_t *num, const char *key)
{
	const struct odict_entry *e = odict_lookup(o, key);

	if (!e || (e->type != ODICT_INT && e->type != ODICT_DOUBLE))
		return false;

	if (num)
		*num = e->type == ODICT_INT ? (uint64_t)e->u.integer :
			(uint64_t)e->u.dbl;

	return true;
}


/**
 * Get a boolean value
 *
 * @param o     Dictionary
 * @param value Returns the value (optional)
 * @param key   Key
 *
 * @return true if @p key is a boolean
 */
bool odict_get_boolean(const struct odict *o, bool *value, const char *key)
{
	const struct odict_entry *e = odict_get_type(o, ODICT_BOOL, key);

	if (!e)
		return false;

	if (value)
		*value = e->u.boolean;

	return true;
}
