/**
 * @file mbedtls_config.h  The mbedTLS 2.28 subset sipshield builds: crypto only
 *
 * TLS is the browser's (wss://) and DTLS-SRTP the browser's
 * RTCPeerConnection; mbedTLS gives the digest hashes (MD5, SHA-256,
 * SHA-512 for SHA-512/256), called directly: no md layer.  Random bytes
 * come from crypto.getRandomValues() itself (wasm/crypto/crypto.c).
 */
#ifndef SIPSHIELD_MBEDTLS_CONFIG_H
#define SIPSHIELD_MBEDTLS_CONFIG_H

/* System: no file system, no clock, no threads, no sockets, no asm */
#define MBEDTLS_PLATFORM_C

/* Hashes: MD5 (legacy digest), SHA-256, SHA-512 (-> SHA-512/256) */
#define MBEDTLS_MD5_C
#define MBEDTLS_MD5_PROCESS_ALT     /* wasm/crypto/md5.c: compact */
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_C
#define MBEDTLS_SHA512_SMALLER
#define MBEDTLS_SHA512_NO_SHA384    /* SHA-512/256 is SHA-512 with its own IV */

#include "mbedtls/check_config.h"

#endif
