#include "transport/tls_server.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <utility>

namespace wsspec {

namespace {

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  std::string out = "unknown error";
  if (e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out = buf;
  }
  ERR_clear_error();
  return out;
}

template <class T, void (*F)(T*)>
struct freer {
  void operator()(T* p) const { F(p); }
};
using ctx_ptr = std::unique_ptr<SSL_CTX, freer<SSL_CTX, SSL_CTX_free>>;
using key_ptr = std::unique_ptr<EVP_PKEY, freer<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, freer<X509, X509_free>>;
using bio_ptr = std::unique_ptr<BIO, freer<BIO, BIO_free_all>>;

// What every serve-cases context shares. No session cache and no tickets: each case's
// connection does a full handshake, so each ClientHello is judged afresh and no case's session
// carries into the next.
ctx_ptr new_server_context(std::string& error) {
  ctx_ptr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) {
    error = "TLS setup failed: " + openssl_error();
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  return ctx;
}

std::string pem_of(X509* cert) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return {};
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

key_ptr new_p256_key() {
  std::unique_ptr<EVP_PKEY_CTX, freer<EVP_PKEY_CTX, EVP_PKEY_CTX_free>> kctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr));
  EVP_PKEY* key = nullptr;
  if (!kctx || EVP_PKEY_keygen_init(kctx.get()) != 1 ||
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx.get(), NID_X9_62_prime256v1) != 1 ||
      EVP_PKEY_keygen(kctx.get(), &key) != 1)
    return nullptr;
  return key_ptr(key);
}

bool add_extension(X509* cert, X509V3_CTX* v3, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, v3, nid, value);
  if (!ext) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A self-signed end-entity certificate: CA:FALSE and no keyUsage, so OpenSSL-based clients
// (node, Python) that are told to trust exactly this certificate accept it as its own anchor;
// a keyUsage without keyCertSign would stop OpenSSL from seeing it as self-issued.
x509_ptr self_signed_certificate(EVP_PKEY* key, int valid_days) {
  x509_ptr cert(X509_new());
  if (!cert) return nullptr;
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return nullptr;
  serial[0] &= 0x7f;  // positive (RFC 5280 4.1.2.2)
  std::unique_ptr<BIGNUM, freer<BIGNUM, BN_free>> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) return nullptr;
  // From an hour ago: a client whose clock is a little behind still accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * valid_days);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("wsspec serve-cases"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  if (!add_extension(cert.get(), &v3, NID_basic_constraints, "critical,CA:FALSE") ||
      !add_extension(cert.get(), &v3, NID_ext_key_usage, "serverAuth") ||
      !add_extension(cert.get(), &v3, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1") ||
      !add_extension(cert.get(), &v3, NID_subject_key_identifier, "hash") ||
      !add_extension(cert.get(), &v3, NID_authority_key_identifier, "keyid:always"))
    return nullptr;
  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) return nullptr;
  return cert;
}

}  // namespace

tls_server_context::~tls_server_context() { SSL_CTX_free(ctx_); }

std::shared_ptr<const tls_server_context> tls_server_context::from_files(
    const std::string& cert_file, const std::string& key_file, std::string& error) {
  ERR_clear_error();
  for (const std::string* f : {&cert_file, &key_file}) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*f, ec)) {
      error = "cannot read '" + *f + "': no such file";
      return nullptr;
    }
  }
  ctx_ptr ctx = new_server_context(error);
  if (!ctx) return nullptr;
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1) {
    error = "bad --tls-cert '" + cert_file + "': not a PEM certificate (" + openssl_error() + ")";
    return nullptr;
  }
  // The key is read apart from the context, so "not a key" and "not this certificate's key"
  // get their own messages (SSL_CTX_use_PrivateKey_file reports both as a failed load).
  key_ptr key;
  if (bio_ptr bio(BIO_new_file(key_file.c_str(), "r")); bio)
    key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    error = "bad --tls-key '" + key_file + "': not a PEM private key (" + openssl_error() + ")";
    return nullptr;
  }
  if (X509_check_private_key(SSL_CTX_get0_certificate(ctx.get()), key.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    ERR_clear_error();
    error = "--tls-key '" + key_file + "' is not the key of the certificate in '" + cert_file + "'";
    return nullptr;
  }
  std::string pem = pem_of(SSL_CTX_get0_certificate(ctx.get()));
  return std::shared_ptr<const tls_server_context>(
      new tls_server_context(ctx.release(), std::move(pem)));
}

std::shared_ptr<const tls_server_context> tls_server_context::self_signed(std::string& error,
                                                                          int valid_days) {
  ERR_clear_error();
  ctx_ptr ctx = new_server_context(error);
  if (!ctx) return nullptr;
  const key_ptr key = new_p256_key();
  const x509_ptr cert = key ? self_signed_certificate(key.get(), valid_days) : nullptr;
  if (!cert || SSL_CTX_use_certificate(ctx.get(), cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1) {
    error = "cannot make a self-signed certificate: " + openssl_error();
    return nullptr;
  }
  std::string pem = pem_of(cert.get());
  return std::shared_ptr<const tls_server_context>(
      new tls_server_context(ctx.release(), std::move(pem)));
}

}  // namespace wsspec
