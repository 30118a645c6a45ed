package capture

import (
	"crypto/tls"
	"fmt"
)

// IANA names for what a ClientHello carries (IANA "Transport Layer
// Security (TLS) Parameters" registry), so that a report reads like a
// packet capture. crypto/tls names the suites it implements; old devices
// offer many it does not (DHE, CAMELLIA, CBC_SHA384), named here.

// versionName spells a protocol version as reports do ("TLS 1.2").
func versionName(v uint16) string {
	switch v {
	case 0x0300:
		return "SSL 3.0"
	case tls.VersionTLS10, tls.VersionTLS11, tls.VersionTLS12, tls.VersionTLS13:
		return tls.VersionName(v)
	}
	if v&0x0f0f == 0x0a0a {
		return "GREASE"
	}
	return fmt.Sprintf("0x%04X", v)
}

// specVersion spells a version as specs do ("1.2"), "" for others.
func specVersion(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "1.0"
	case tls.VersionTLS11:
		return "1.1"
	case tls.VersionTLS12:
		return "1.2"
	case tls.VersionTLS13:
		return "1.3"
	}
	return ""
}

// otherSuites are cipher suites crypto/tls does not implement that devices
// commonly offer.
var otherSuites = map[uint16]string{
	0x0004: "TLS_RSA_WITH_RC4_128_MD5", 0x0009: "TLS_RSA_WITH_DES_CBC_SHA",
	0x0013: "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", 0x0016: "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
	0x0032: "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", 0x0033: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
	0x0038: "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", 0x0039: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
	0x003D: "TLS_RSA_WITH_AES_256_CBC_SHA256", 0x0041: "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA",
	0x0067: "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", 0x006B: "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
	0x0084: "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", 0x0096: "TLS_RSA_WITH_SEED_CBC_SHA",
	0x009E: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", 0x009F: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
	0x00FF: "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", 0x5600: "TLS_FALLBACK_SCSV",
	0xC008: "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", 0xC024: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
	0xC028: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", 0xC09C: "TLS_RSA_WITH_AES_128_CCM",
	0xC09D: "TLS_RSA_WITH_AES_256_CCM", 0xC09E: "TLS_DHE_RSA_WITH_AES_128_CCM", 0xC09F: "TLS_DHE_RSA_WITH_AES_256_CCM", 0xC0AC: "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
	0xC0AD: "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", 0xCCAA: "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	0x1304: "TLS_AES_128_CCM_SHA256", 0x1305: "TLS_AES_128_CCM_8_SHA256",
}

func suiteName(id uint16) string {
	if n, ok := otherSuites[id]; ok {
		return n
	}
	if id&0x0f0f == 0x0a0a {
		return "GREASE"
	}
	return tls.CipherSuiteName(id) // "0x1234" for the rest
}

var groupNames = map[tls.CurveID]string{
	1: "sect163k1", 14: "sect571r1", 18: "secp192k1", 19: "secp192r1", 21: "secp224r1", 22: "secp256k1",
	23: "secp256r1", 24: "secp384r1", 25: "secp521r1", 26: "brainpoolP256r1", 27: "brainpoolP384r1",
	28: "brainpoolP512r1", 29: "x25519", 30: "x448", 256: "ffdhe2048", 257: "ffdhe3072", 258: "ffdhe4096",
	259: "ffdhe6144", 260: "ffdhe8192", 0x11EB: "SecP256r1MLKEM768", 0x11EC: "X25519MLKEM768",
	0x11ED: "SecP384r1MLKEM1024", 0x6399: "X25519Kyber768Draft00",
}

func groupName(id tls.CurveID) string {
	if n, ok := groupNames[id]; ok {
		return n
	}
	if id&0x0f0f == 0x0a0a {
		return "GREASE"
	}
	return fmt.Sprintf("0x%04X", uint16(id))
}

var schemeNames = map[tls.SignatureScheme]string{
	0x0201: "rsa_pkcs1_sha1", 0x0203: "ecdsa_sha1", 0x0202: "dsa_sha1", 0x0301: "rsa_pkcs1_sha224",
	0x0303: "ecdsa_sha224", 0x0401: "rsa_pkcs1_sha256", 0x0403: "ecdsa_secp256r1_sha256",
	0x0501: "rsa_pkcs1_sha384", 0x0503: "ecdsa_secp384r1_sha384", 0x0601: "rsa_pkcs1_sha512",
	0x0603: "ecdsa_secp521r1_sha512", 0x0804: "rsa_pss_rsae_sha256", 0x0805: "rsa_pss_rsae_sha384",
	0x0806: "rsa_pss_rsae_sha512", 0x0807: "ed25519", 0x0808: "ed448", 0x0809: "rsa_pss_pss_sha256",
	0x080A: "rsa_pss_pss_sha384", 0x080B: "rsa_pss_pss_sha512", 0x081A: "ecdsa_brainpoolP256r1tls13_sha256",
	0x081B: "ecdsa_brainpoolP384r1tls13_sha384", 0x081C: "ecdsa_brainpoolP512r1tls13_sha512",
	0x0302: "dsa_sha224", 0x0402: "dsa_sha256", 0x0502: "dsa_sha384", 0x0602: "dsa_sha512",
	0x0904: "mldsa44", 0x0905: "mldsa65", 0x0906: "mldsa87",
}

func schemeName(s tls.SignatureScheme) string {
	if n, ok := schemeNames[s]; ok {
		return n
	}
	return fmt.Sprintf("0x%04X", uint16(s))
}

var extensionNames = map[uint16]string{
	0: "server_name", 1: "max_fragment_length", 5: "status_request", 10: "supported_groups",
	11: "ec_point_formats", 13: "signature_algorithms", 15: "heartbeat", 16: "alpn", 18: "signed_certificate_timestamp",
	21: "padding", 22: "encrypt_then_mac", 23: "extended_master_secret", 27: "compress_certificate",
	28: "record_size_limit", 35: "session_ticket", 41: "pre_shared_key", 42: "early_data",
	43: "supported_versions", 44: "cookie", 45: "psk_key_exchange_modes", 47: "certificate_authorities",
	49: "post_handshake_auth", 50: "signature_algorithms_cert", 51: "key_share", 57: "quic_transport_parameters",
	17513: "application_settings", 65037: "encrypted_client_hello", 65281: "renegotiation_info",
}

func extensionName(id uint16) string {
	if n, ok := extensionNames[id]; ok {
		return n
	}
	if id&0x0f0f == 0x0a0a {
		return "GREASE"
	}
	return fmt.Sprintf("0x%04X", id)
}

func pointName(p uint8) string {
	switch p {
	case 0:
		return "uncompressed"
	case 1:
		return "ansiX962_compressed_prime"
	case 2:
		return "ansiX962_compressed_char2"
	}
	return fmt.Sprintf("0x%02X", p)
}

// alertNames are the TLS alerts a client sends when it refuses the
// server's certificate, and the others worth naming (RFC 8446 section 6).
var alertNames = map[uint8]string{
	0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 40: "handshake_failure",
	42: "bad_certificate", 43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired",
	46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error",
	51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security", 80: "internal_error",
	86: "inappropriate_fallback", 90: "user_canceled", 109: "missing_extension", 110: "unsupported_extension",
	112: "unrecognized_name", 116: "certificate_required", 120: "no_application_protocol",
}

// certAlerts are the alerts that say the client refused the certificate.
var certAlerts = map[uint8]bool{42: true, 43: true, 44: true, 45: true, 46: true, 48: true, 49: true, 112: true}

func alertName(a uint8) string {
	if n, ok := alertNames[a]; ok {
		return n
	}
	return fmt.Sprintf("alert %d", a)
}

// names maps a list through a namer.
func names[T any](list []T, name func(T) string) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		out = append(out, name(v))
	}
	return out
}
