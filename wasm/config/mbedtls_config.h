/**
 * @file mbedtls_config.h  The mbedTLS 2.28 subset sipshield builds:
 *                         crypto only
 *
 * TLS is the browser's (wss://) and DTLS-SRTP the browser's
 * RTCPeerConnection; mbedTLS gives the digest hashes (MD5, SHA-256,
 * SHA-512 for SHA-512/256), called directly: no md layer.  Random bytes
 * come from crypto.getRandomValues() itself (wasm/crypto/crypto.c).
 *
 * The call recorder (dist/sipshield-recorder.wasm, wasm/record/) also
 * seals with AES-256-GCM, derives keys with HKDF-SHA256 and agrees them
 * with X25519.  One configuration serves both modules: what the page
 * core does not call is not linked into it (its download is unchanged).
 */
#ifndef SIPSHIELD_MBEDTLS_CONFIG_H
#define SIPSHIELD_MBEDTLS_CONFIG_H

/* System: no file system, no clock, no threads, no sockets, no asm */
#define MBEDTLS_PLATFORM_C

/* Hashes: MD5 (legacy digest), SHA-256, SHA-512 (-> SHA-512/256) */
#define MBEDTLS_MD5_C
#define MBEDTLS_MD5_PROCESS_ALT     /* wasm/crypto/md5.c: compact */
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_PROCESS_ALT  /* wasm/crypto/sha.c: compact, */
#define MBEDTLS_SHA512_C
#define MBEDTLS_SHA512_PROCESS_ALT  /* one table of constants */
/* SHA-512/256 is SHA-512 with its own IV */
#define MBEDTLS_SHA512_NO_SHA384

/* The recorder's sealing: AES-256-GCM, HKDF-SHA256, X25519 */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES      /* no table generation at run time */
#define MBEDTLS_AES_FEWER_TABLES    /* 2 KB of tables instead of 8 */
#define MBEDTLS_CIPHER_C            /* GCM's block cipher interface */
#define MBEDTLS_GCM_C
#define MBEDTLS_MD_C                /* HKDF's HMAC */
#define MBEDTLS_HKDF_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
/* callers pass crypto_rand: no DRBG inside ecp.c */
#define MBEDTLS_ECP_NO_INTERNAL_RNG
#define MBEDTLS_ECDH_C

#include "mbedtls/check_config.h"

#endif
