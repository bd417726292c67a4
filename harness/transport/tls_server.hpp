// The server side of TLS for `wsspec serve-cases --tls`: a certificate and its key, loaded from
// the user's PEM files or made afresh (self-signed) at start, in one OpenSSL context that every
// accepted connection shares (connection::accept_tls). Built once before listening, read-only
// afterwards: SSL_new() on a finished context is thread-safe.
#pragma once

#include <memory>
#include <string>

struct ssl_ctx_st;  // OpenSSL's SSL_CTX, kept out of this header

namespace wsspec {

class tls_server_context {
 public:
  // The certificate (chain) in `cert_file` and the private key in `key_file`, both PEM. nullptr
  // and the reason when a file is missing, not PEM, or the key does not match the certificate.
  static std::shared_ptr<const tls_server_context> from_files(const std::string& cert_file,
                                                              const std::string& key_file,
                                                              std::string& error);

  // A fresh EC P-256 key and a self-signed certificate for localhost (SAN DNS:localhost,
  // IP:127.0.0.1, IP:::1), valid from an hour ago for `valid_days`: short, since it is trusted
  // by hand for one test session. certificate_pem() is what a client is told to trust.
  static std::shared_ptr<const tls_server_context> self_signed(std::string& error,
                                                               int valid_days = 7);

  ~tls_server_context();
  tls_server_context(const tls_server_context&) = delete;
  tls_server_context& operator=(const tls_server_context&) = delete;

  ssl_ctx_st* native() const { return ctx_; }
  // The leaf certificate as PEM.
  const std::string& certificate_pem() const { return pem_; }

 private:
  tls_server_context(ssl_ctx_st* ctx, std::string pem) : ctx_(ctx), pem_(std::move(pem)) {}
  ssl_ctx_st* ctx_;
  std::string pem_;
};

}  // namespace wsspec
