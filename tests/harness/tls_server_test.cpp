// The server side of TLS (harness/transport/tls_server.hpp, connection::accept_tls): the
// self-signed certificate is one a client can verify for localhost, the user's PEM files are
// checked before use, the SNI a client sent is seen (and its absence), and a client that never
// finishes its handshake costs no more than the deadline.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <string>

#include "client_under_test.hpp"
#include "transport/connection.hpp"
#include "transport/tls_server.hpp"
#include "transport/url.hpp"

namespace wsspec {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path temp_file(const std::string& name, const std::string& text) {
  const fs::path p =
      fs::temp_directory_path() / ("wsspec-tls-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

std::shared_ptr<const tls_server_context> self_signed() {
  std::string error;
  auto tls = tls_server_context::self_signed(error);
  EXPECT_TRUE(tls) << error;
  return tls;
}

// A client of wsspec's own transport (OpenSSL) on a loopback port; `tls` says whether it sends
// SNI (a DNS name as server_name) or not (an IP address: RFC 6066 3 keeps those out).
struct handshake_outcome {
  std::unique_ptr<connection> server;
  std::string server_error;
  bool client_ok = false;
  std::string client_error;
};

handshake_outcome handshake(const tls_server_context& ctx, const tls_options& tls) {
  test::listener l;
  std::string error;
  const auto url = parse_ws_url("wss://localhost:" + std::to_string(l.port()) + "/", error);
  EXPECT_TRUE(url) << error;
  auto client = std::async(std::launch::async, [&] {
    std::string e;
    auto c = connection::open(*url, tls, clock::now() + 5s, e);
    if (c) {
      const std::string hello = "hello";
      c->write({reinterpret_cast<const std::uint8_t*>(hello.data()), hello.size()},
               clock::now() + 5s);
    }
    return std::make_pair(c != nullptr, e);
  });
  handshake_outcome out;
  const int fd = l.accept_one();
  EXPECT_GE(fd, 0);
  out.server = connection::accept_tls(fd, ctx, clock::now() + 5s, out.server_error);
  std::tie(out.client_ok, out.client_error) = client.get();
  return out;
}

TEST(TlsServer, TheSelfSignedCertificateVerifiesForLocalhost) {
  const auto ctx = self_signed();
  ASSERT_TRUE(ctx);
  const std::string& pem = ctx->certificate_pem();
  ASSERT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u) << pem;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "::1", 0), 1);
  EXPECT_NE(X509_check_host(cert, "example.com", 0, 0, nullptr), 1);
  // Short-lived: at most the 7 days asked for.
  int days = 0, seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(cert)), 1);
  EXPECT_LE(days, 7);
  EXPECT_GE(days, 6);
  X509_free(cert);

  // A client that trusts exactly this certificate (as node's NODE_EXTRA_CA_CERTS, Python's
  // cafile) completes a verified handshake with it.
  const fs::path ca = temp_file("ca.pem", pem);
  tls_options verified;
  verified.ca_file = ca.string();
  const auto h = handshake(*ctx, verified);
  fs::remove(ca);
  EXPECT_TRUE(h.client_ok) << h.client_error;
  ASSERT_TRUE(h.server) << h.server_error;
  EXPECT_TRUE(h.server->secure());
}

TEST(TlsServer, SeesTheServerNameTheClientSent) {
  const auto ctx = self_signed();
  ASSERT_TRUE(ctx);
  tls_options tls;
  tls.verify = false;
  tls.server_name = "LocalHost";  // sent as given
  auto h = handshake(*ctx, tls);
  ASSERT_TRUE(h.server) << h.server_error;
  EXPECT_EQ(h.server->client_server_name(), std::optional<std::string>("LocalHost"));
  // The connection carries data after the handshake.
  std::array<std::uint8_t, 16> buf{};
  const io_result r = h.server->read_some(buf, clock::now() + 5s);
  ASSERT_EQ(r.status, io_status::ok) << r.message;
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(buf.data()), r.bytes), "hello");
}

TEST(TlsServer, SeesThatTheClientSentNoServerName) {
  const auto ctx = self_signed();
  ASSERT_TRUE(ctx);
  tls_options tls;
  tls.verify = false;
  tls.server_name = "127.0.0.1";  // an IP address: no SNI extension in the ClientHello
  auto h = handshake(*ctx, tls);
  ASSERT_TRUE(h.server) << h.server_error;
  EXPECT_TRUE(h.server->secure());
  EXPECT_EQ(h.server->client_server_name(), std::nullopt);
}

TEST(TlsServer, APlainConnectionHasNoServerName) {
  test::listener l;
  std::string error;
  const auto url = parse_ws_url(l.url(), error);
  auto client = std::async(std::launch::async,
                           [&] { return connection::open(*url, {}, clock::now() + 5s, error); });
  const int fd = l.accept_one();
  auto server = connection::adopt(fd, error);
  ASSERT_TRUE(server) << error;
  EXPECT_FALSE(server->secure());
  EXPECT_EQ(server->client_server_name(), std::nullopt);
  client.get();
}

TEST(TlsServer, AClientThatNeverHandshakesCostsNoMoreThanTheDeadline) {
  const auto ctx = self_signed();
  ASSERT_TRUE(ctx);
  test::listener l;
  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(l.port());
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ::send(client, "\x16\x03\x01", 3, 0);  // the start of a record, and then nothing
  const int fd = l.accept_one();
  ASSERT_GE(fd, 0);
  const auto start = clock::now();
  std::string error;
  EXPECT_FALSE(connection::accept_tls(fd, *ctx, start + 300ms, error));
  EXPECT_LT(clock::now() - start, 2s);
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
  ::close(client);
}

TEST(TlsServer, TheUsersFilesAreCheckedBeforeUse) {
  // A key and its certificate made here, with OpenSSL.
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  X509_set_pubkey(cert, key);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  auto pem = [](auto write) {
    BIO* b = BIO_new(BIO_s_mem());
    write(b);
    char* p = nullptr;
    const long n = BIO_get_mem_data(b, &p);
    std::string s(p, static_cast<std::size_t>(n));
    BIO_free(b);
    return s;
  };
  const fs::path cert_file =
      temp_file("cert.pem", pem([&](BIO* b) { PEM_write_bio_X509(b, cert); }));
  const fs::path key_file =
      temp_file("key.pem", pem([&](BIO* b) {
                  PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
                }));
  EVP_PKEY* other = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  const fs::path other_key =
      temp_file("other.pem", pem([&](BIO* b) {
                  PEM_write_bio_PrivateKey(b, other, nullptr, nullptr, 0, nullptr, nullptr);
                }));
  const fs::path not_pem = temp_file("not.pem", "hello\n");
  X509_free(cert);
  EVP_PKEY_free(key);
  EVP_PKEY_free(other);

  std::string error;
  const auto ok = tls_server_context::from_files(cert_file, key_file, error);
  EXPECT_TRUE(ok) << error;
  if (ok) {
    EXPECT_EQ(ok->certificate_pem().rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
  }
  EXPECT_FALSE(tls_server_context::from_files("/nonexistent/cert.pem", key_file, error));
  EXPECT_EQ(error, "cannot read '/nonexistent/cert.pem': no such file");
  EXPECT_FALSE(tls_server_context::from_files(not_pem, key_file, error));
  EXPECT_NE(error.find("not a PEM certificate"), std::string::npos) << error;
  EXPECT_FALSE(tls_server_context::from_files(cert_file, not_pem, error));
  EXPECT_NE(error.find("not a PEM private key"), std::string::npos) << error;
  EXPECT_FALSE(tls_server_context::from_files(cert_file, other_key, error));
  EXPECT_NE(error.find("is not the key of the certificate"), std::string::npos) << error;
  for (const auto& p : {cert_file, key_file, other_key, not_pem}) fs::remove(p);
}

}  // namespace
}  // namespace wsspec
