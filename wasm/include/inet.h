/**
 * @file inet.h  IP address text forms (wasm/inet/inet.c)
 *
 * One parser for the SDP policy (addresses in c=, o=, a=candidate), the
 * URI host of wasm/fastparse and, in the wasm build, libc's inet_pton():
 * a text form is judged the same way wherever it appears.
 */

bool inet_parse4(uint8_t b[4], const char *p, size_t n);
bool inet_parse6(uint8_t b[16], const char *p, size_t n);
