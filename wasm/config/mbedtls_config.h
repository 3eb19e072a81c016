/**
 * @file mbedtls_config.h  The mbedTLS 2.28 subset sipshield builds: crypto only
 *
 * TLS is the browser's (wss://); mbedTLS gives digest hashes, HMAC,
 * AES-GCM, HKDF and an HMAC-DRBG.  Entropy comes only from the "hardware"
 * poll, which is crypto.getRandomValues() in the browser (wasm/crypto/).
 */
#ifndef SIPSHIELD_MBEDTLS_CONFIG_H
#define SIPSHIELD_MBEDTLS_CONFIG_H

/* System: no file system, no clock, no threads, no sockets, no asm */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT

/* Hashes: MD5 (legacy digest), SHA-256, SHA-512 (-> SHA-512/256) */
#define MBEDTLS_MD_C
#define MBEDTLS_MD5_C
#define MBEDTLS_MD5_PROCESS_ALT     /* wasm/crypto/md5.c: compact */
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_C
#define MBEDTLS_SHA512_SMALLER
#define MBEDTLS_HKDF_C

/* Ciphers: AES-GCM */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_CIPHER_C
#define MBEDTLS_GCM_C

/* Random: entropy pool feeding an HMAC-DRBG (SHA-256: no AES needed) */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_HMAC_DRBG_C

#include "mbedtls/check_config.h"

#endif
