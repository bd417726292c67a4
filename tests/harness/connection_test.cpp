// The client transport (harness/transport/connection): TCP and TLS against scripted loopback
// peers. Every peer runs in its own thread and io_context for at most 10 s, so no test can hang.
// GCC 12 reports -Wmismatched-new-delete inside Asio's coroutine frames, which do have a
// matching operator new/delete pair (GCC bug 109224, fixed in GCC 13); only under -O with ASan.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "transport/connection.hpp"

namespace wsspec {
namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;
using bytes = std::vector<std::uint8_t>;

bytes to_bytes(std::string_view s) { return bytes(s.begin(), s.end()); }

std::chrono::milliseconds since(clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t0);
}

ws_url make_url(const std::string& text) {
  std::string error;
  auto u = parse_ws_url(text, error);
  EXPECT_TRUE(u) << text << ": " << error;
  return u.value_or(ws_url{});
}

// Reads until `n` bytes arrived, the peer closed, or the deadline passed.
std::string read_exactly(connection& c, std::size_t n, clock::time_point deadline) {
  std::string got;
  std::uint8_t buf[4096];
  while (got.size() < n) {
    const io_result r = c.read_some(std::span(buf, std::min(sizeof buf, n - got.size())), deadline);
    if (r.status != io_status::ok) break;
    got.append(reinterpret_cast<const char*>(buf), r.bytes);
  }
  return got;
}

// Reads until something other than data comes back; returns it and appends data to `got`.
io_result read_to_end(connection& c, std::string& got, clock::time_point deadline) {
  std::uint8_t buf[4096];
  for (;;) {
    const io_result r = c.read_some(buf, deadline);
    if (r.status != io_status::ok) return r;
    got.append(reinterpret_cast<const char*>(buf), r.bytes);
  }
}

template <class T>
T wait_result(std::future<T>& f) {
  EXPECT_EQ(f.wait_for(5s), std::future_status::ready) << "the peer did not report";
  return f.wait_for(0s) == std::future_status::ready ? f.get() : T{};
}

// One scripted peer: accepts one connection and runs `script` on it.
class test_peer {
 public:
  using script = std::function<asio::awaitable<void>(tcp::socket)>;

  explicit test_peer(script s, const asio::ip::address& addr = asio::ip::address_v4::loopback())
      : acceptor_(io_, tcp::endpoint(addr, 0)) {
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, run(std::move(s)), asio::detached);
    thread_ = std::thread([this] { io_.run_for(10s); });
  }
  ~test_peer() {
    io_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return port_; }

 private:
  asio::awaitable<void> run(script s) {
    try {
      tcp::socket sock = co_await acceptor_.async_accept(asio::use_awaitable);
      sock.set_option(tcp::no_delay(true));  // no Nagle/delayed-ACK stalls in the scripts
      co_await s(std::move(sock));
    } catch (const std::exception&) {
      // the script's own checks report through promises
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

struct echo_stats {
  std::size_t reads = 0;
  std::string data;
};

// Echoes everything back; at EOF reports how many reads it took and what it saw.
test_peer::script echo_script(std::promise<echo_stats>& done) {
  return [&done](tcp::socket s) -> asio::awaitable<void> {
    echo_stats st;
    std::array<char, 65536> buf;
    for (;;) {
      asio::error_code ec;
      const std::size_t n = co_await s.async_read_some(
          asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      ++st.reads;
      st.data.append(buf.data(), n);
      co_await asio::async_write(s, asio::buffer(buf.data(), n),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    done.set_value(st);
  };
}

// --- TCP -----------------------------------------------------------------------------------

TEST(Connection, EchoRoundTrip) {
  std::promise<echo_stats> stats;
  auto done = stats.get_future();
  test_peer peer(echo_script(stats));
  std::string error;
  auto c = connection::open(make_url("ws://127.0.0.1:" + std::to_string(peer.port()) + "/"), {},
                            clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  EXPECT_FALSE(c->secure());
  EXPECT_EQ(c->peer_address(), "127.0.0.1:" + std::to_string(peer.port()));
  EXPECT_TRUE(c->tls_description().empty());

  const bytes msg = to_bytes("hello, peer");
  const io_result w = c->write(msg, clock::now() + 5s);
  EXPECT_EQ(w.status, io_status::ok) << w.message;
  EXPECT_EQ(w.bytes, msg.size());
  EXPECT_EQ(read_exactly(*c, msg.size(), clock::now() + 5s), "hello, peer");
  EXPECT_FALSE(c->peer_closed());
  c->close();
  EXPECT_FALSE(c->is_open());
  EXPECT_EQ(wait_result(done).data, "hello, peer");
  std::uint8_t buf[1];
  EXPECT_EQ(c->read_some(buf, clock::now() + 1s).status, io_status::error);
}

TEST(Connection, ChunkedWriteArrivesInOrderInSeveralReads) {
  std::promise<echo_stats> stats;
  auto done = stats.get_future();
  test_peer peer(echo_script(stats));
  std::string error;
  auto c = connection::open(make_url("ws://127.0.0.1:" + std::to_string(peer.port())), {},
                            clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;

  const bytes msg = to_bytes("0123456789abcdef");
  const auto t0 = clock::now();
  const io_result w = c->write(msg, clock::now() + 5s, 1, 10ms);
  EXPECT_EQ(w.status, io_status::ok) << w.message;
  EXPECT_EQ(w.bytes, msg.size());
  EXPECT_GE(since(t0), 15 * 10ms) << "the delays between chunks were skipped";
  EXPECT_EQ(read_exactly(*c, msg.size(), clock::now() + 5s), "0123456789abcdef");

  ASSERT_EQ(c->shutdown_send(clock::now() + 5s).status, io_status::ok);
  const echo_stats st = wait_result(done);
  EXPECT_EQ(st.data, "0123456789abcdef");
  EXPECT_GE(st.reads, 4u) << "16 one-byte chunks 10 ms apart arrived in " << st.reads << " reads";
}

TEST(Connection, RefusedPortFailsQuickly) {
  std::uint16_t port = 0;
  {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = a.local_endpoint().port();
  }  // closed again: nobody listens there now
  std::string error;
  const auto t0 = clock::now();
  auto c = connection::open(make_url("ws://127.0.0.1:" + std::to_string(port) + "/"), {},
                            clock::now() + 10s, error);
  EXPECT_FALSE(c);
  EXPECT_NE(error.find("connection refused"), std::string::npos) << error;
  EXPECT_LT(since(t0), 2s);
}

TEST(Connection, ReadFromSilentPeerTimesOutAndConnectionStaysUsable) {
  // Says nothing until it gets a byte, then answers "pong".
  test_peer peer([](tcp::socket s) -> asio::awaitable<void> {
    char b = 0;
    co_await s.async_read_some(asio::buffer(&b, 1), asio::use_awaitable);
    co_await asio::async_write(s, asio::buffer("pong", 4), asio::use_awaitable);
    co_await s.async_read_some(asio::buffer(&b, 1), asio::use_awaitable);
  });
  std::string error;
  auto c = connection::open(make_url("ws://127.0.0.1:" + std::to_string(peer.port())), {},
                            clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;

  std::uint8_t buf[16];
  const auto t0 = clock::now();
  const io_result r = c->read_some(buf, t0 + 300ms);
  const auto took = since(t0);
  EXPECT_EQ(r.status, io_status::timeout) << r.message;
  EXPECT_EQ(r.bytes, 0u);
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 300ms + 2s);

  ASSERT_EQ(c->write(to_bytes("x"), clock::now() + 5s).status, io_status::ok);
  EXPECT_EQ(read_exactly(*c, 4, clock::now() + 5s), "pong");
}

TEST(Connection, WriteToPeerThatNeverReadsTimesOut) {
  test_peer peer([](tcp::socket s) -> asio::awaitable<void> {
    asio::steady_timer t(s.get_executor(), 10s);
    co_await t.async_wait(asio::use_awaitable);
  });
  std::string error;
  auto c = connection::open(make_url("ws://127.0.0.1:" + std::to_string(peer.port())), {},
                            clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  const bytes big(64u << 20, 'x');
  const auto t0 = clock::now();
  const io_result w = c->write(big, t0 + 500ms);
  const auto took = since(t0);
  EXPECT_EQ(w.status, io_status::timeout) << w.message;
  EXPECT_GT(w.bytes, 0u);
  EXPECT_LT(w.bytes, big.size());
  EXPECT_GE(took, 490ms);
  EXPECT_LT(took, 500ms + 2s);
}

TEST(Connection, PeerCloseIsEofAfterItsData) {
  test_peer peer([](tcp::socket s) -> asio::awaitable<void> {
    co_await asio::async_write(s, asio::buffer("bye", 3), asio::use_awaitable);
    s.shutdown(tcp::socket::shutdown_both);
    s.close();
  });
  std::string error;
  auto c = connection::open(make_url("ws://127.0.0.1:" + std::to_string(peer.port())), {},
                            clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  std::string got;
  const io_result r = read_to_end(*c, got, clock::now() + 5s);
  EXPECT_EQ(got, "bye");
  EXPECT_EQ(r.status, io_status::eof) << r.message;
  EXPECT_TRUE(c->peer_closed());
}

TEST(Connection, PeerAbortIsReset) {
  // Waits for a byte first: aborting right after accept() can make connect() itself fail.
  test_peer peer([](tcp::socket s) -> asio::awaitable<void> {
    char b = 0;
    co_await s.async_read_some(asio::buffer(&b, 1), asio::use_awaitable);
    s.set_option(asio::socket_base::linger(true, 0));
    s.close();
  });
  std::string error;
  auto c = connection::open(make_url("ws://127.0.0.1:" + std::to_string(peer.port())), {},
                            clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  ASSERT_EQ(c->write(to_bytes("x"), clock::now() + 5s).status, io_status::ok);
  std::string got;
  const io_result r = read_to_end(*c, got, clock::now() + 5s);
  EXPECT_EQ(r.status, io_status::reset) << to_string(r.status) << ": " << r.message;
  EXPECT_TRUE(c->peer_closed());
  const io_result w = c->write(to_bytes("anyone?"), clock::now() + 5s);
  EXPECT_EQ(w.status, io_status::reset) << to_string(w.status) << ": " << w.message;
}

TEST(Connection, ShutdownSendIsSeenAsEofAndReadingGoesOn) {
  // Counts bytes until EOF, answers with the count, closes.
  test_peer peer([](tcp::socket s) -> asio::awaitable<void> {
    std::size_t total = 0;
    char buf[256];
    for (;;) {
      asio::error_code ec;
      total += co_await s.async_read_some(asio::buffer(buf),
                                          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    const std::string reply = "n=" + std::to_string(total);
    co_await asio::async_write(s, asio::buffer(reply), asio::use_awaitable);
  });
  std::string error;
  auto c = connection::open(make_url("ws://127.0.0.1:" + std::to_string(peer.port())), {},
                            clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  ASSERT_EQ(c->write(to_bytes("abc"), clock::now() + 5s).status, io_status::ok);
  ASSERT_EQ(c->shutdown_send(clock::now() + 5s).status, io_status::ok);
  EXPECT_EQ(c->write(to_bytes("more"), clock::now() + 5s).status, io_status::error);
  std::string got;
  const io_result r = read_to_end(*c, got, clock::now() + 5s);
  EXPECT_EQ(got, "n=3");
  EXPECT_EQ(r.status, io_status::eof) << r.message;
}

TEST(Connection, Ipv6Loopback) {
  std::promise<echo_stats> stats;
  auto done = stats.get_future();
  std::unique_ptr<test_peer> peer;
  try {
    peer = std::make_unique<test_peer>(echo_script(stats), asio::ip::address_v6::loopback());
  } catch (const std::exception& e) {
    GTEST_SKIP() << "no IPv6 loopback: " << e.what();
  }
  std::string error;
  auto c = connection::open(make_url("ws://[::1]:" + std::to_string(peer->port()) + "/"), {},
                            clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->peer_address(), "[::1]:" + std::to_string(peer->port()));
  ASSERT_EQ(c->write(to_bytes("six"), clock::now() + 5s).status, io_status::ok);
  EXPECT_EQ(read_exactly(*c, 3, clock::now() + 5s), "six");
}

TEST(Connection, HostNameIsResolved) {
  std::promise<echo_stats> stats;
  auto done = stats.get_future();
  test_peer peer(echo_script(stats));
  std::string error;
  // "localhost" may resolve to ::1 first, where nobody listens: the next address must be tried.
  auto c = connection::open(make_url("ws://localhost:" + std::to_string(peer.port()) + "/"), {},
                            clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->peer_address(), "127.0.0.1:" + std::to_string(peer.port()));
  ASSERT_EQ(c->write(to_bytes("name"), clock::now() + 5s).status, io_status::ok);
  EXPECT_EQ(read_exactly(*c, 4, clock::now() + 5s), "name");
}

TEST(Connection, UnresolvableHostFailsWithinDeadline) {
  std::string error;
  const auto t0 = clock::now();
  auto c = connection::open(make_url("ws://wsspec-no-such-host.invalid/"), {}, t0 + 2s, error);
  EXPECT_FALSE(c);
  EXPECT_NE(error.find("resolv"), std::string::npos) << error;
  EXPECT_LT(since(t0), 2s + 2s);
}

TEST(Connection, ConnectTimesOutWhenSynsAreDropped) {
  // A listener whose accept queue is full drops new SYNs, so connect() hangs in SYN-SENT.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 0), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const std::string url = "ws://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";

  std::vector<std::unique_ptr<connection>> fillers;
  std::string error;
  std::unique_ptr<connection> c;
  for (int i = 0; i < 8; ++i) {
    c = connection::open(make_url(url), {}, clock::now() + 300ms, error);
    if (!c) break;
    fillers.push_back(std::move(c));
  }
  ::close(fd);
  ASSERT_FALSE(c) << "8 connections to a listener with backlog 0 that never accepts";
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
  EXPECT_FALSE(fillers.empty());
}

// --- TLS -----------------------------------------------------------------------------------

// A self-signed certificate for CN=localhost with SANs DNS:localhost and IP:127.0.0.1.
bool make_self_signed(const std::filesystem::path& cert_path,
                      const std::filesystem::path& key_path) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* x = X509_new();
  bool ok = key && x;
  ok = ok && X509_set_version(x, 2) == 1;
  ok = ok && ASN1_INTEGER_set(X509_get_serialNumber(x), 1) == 1;
  ok = ok && X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  ok = ok && X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  ok = ok && X509_set_pubkey(x, key) == 1;
  X509_NAME* name = ok ? X509_get_subject_name(x) : nullptr;
  ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                        reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                                        0) == 1;
  ok = ok && X509_set_issuer_name(x, name) == 1;
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"}}) {
    X509_EXTENSION* ext = ok ? X509V3_EXT_conf_nid(nullptr, &v3, nid, value) : nullptr;
    ok = ok && ext && X509_add_ext(x, ext, -1) == 1;
    X509_EXTENSION_free(ext);
  }
  ok = ok && X509_sign(x, key, EVP_sha256()) > 0;
  if (ok) {
    BIO* c = BIO_new_file(cert_path.c_str(), "w");
    BIO* k = BIO_new_file(key_path.c_str(), "w");
    ok = c && k && PEM_write_bio_X509(c, x) == 1 &&
         PEM_write_bio_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    BIO_free(c);
    BIO_free(k);
  }
  X509_free(x);
  EVP_PKEY_free(key);
  return ok;
}

class ConnectionTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "wsspec-tls-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(make_self_signed(cert(), key()));
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  static std::filesystem::path cert() { return dir_ / "cert.pem"; }
  static std::filesystem::path key() { return dir_ / "key.pem"; }

  static std::shared_ptr<asio::ssl::context> server_context() {
    auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx->use_certificate_chain_file(cert().string());
    ctx->use_private_key_file(key().string(), asio::ssl::context::pem);
    return ctx;
  }

  // TLS echo server; `close_notify` says how it ends after the client's close_notify or FIN:
  // by sending close_notify, or by just closing TCP.
  // If `sni` is given, the server name the client sent is reported there ("" for none).
  static test_peer::script tls_echo(bool close_notify = true,
                                    std::promise<std::string>* sni = nullptr) {
    return [ctx = server_context(), close_notify, sni](tcp::socket sock) -> asio::awaitable<void> {
      asio::ssl::stream<tcp::socket> s(std::move(sock), *ctx);
      co_await s.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
      if (sni) {
        const char* name = SSL_get_servername(s.native_handle(), TLSEXT_NAMETYPE_host_name);
        sni->set_value(name ? name : "");
      }
      std::array<char, 65536> buf;
      for (;;) {
        asio::error_code ec;
        const std::size_t n = co_await s.async_read_some(
            asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        if (std::string_view(buf.data(), n) == "END") break;
        co_await asio::async_write(s, asio::buffer(buf.data(), n), asio::use_awaitable);
      }
      if (close_notify) {
        asio::error_code ec;
        co_await s.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
      }
    };
  }

  static std::string url(std::uint16_t port) {
    return "wss://127.0.0.1:" + std::to_string(port) + "/";
  }

  static inline std::filesystem::path dir_;
};

void expect_echo(connection& c, std::string_view text) {
  const io_result w = c.write(to_bytes(text), clock::now() + 5s);
  EXPECT_EQ(w.status, io_status::ok) << w.message;
  EXPECT_EQ(read_exactly(c, text.size(), clock::now() + 5s), text);
}

TEST_F(ConnectionTls, DefaultVerificationRejectsSelfSignedCertificate) {
  test_peer peer(tls_echo());
  std::string error;
  auto c = connection::open(make_url(url(peer.port())), {}, clock::now() + 5s, error);
  EXPECT_FALSE(c);
  EXPECT_NE(error.find("certificate verification failed: "), std::string::npos) << error;
  EXPECT_NE(error.find("self"), std::string::npos) << error;
}

TEST_F(ConnectionTls, InsecureAcceptsAnyCertificate) {
  test_peer peer(tls_echo());
  tls_options tls;
  tls.verify = false;
  std::string error;
  auto c = connection::open(make_url(url(peer.port())), tls, clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  EXPECT_TRUE(c->secure());
  EXPECT_EQ(c->tls_description().rfind("TLSv1.", 0), 0u) << c->tls_description();
  expect_echo(*c, "secret");
  // A record's worth and more, in one write.
  expect_echo(*c, std::string(40000, 'q'));
}

TEST_F(ConnectionTls, CaFileWithMatchingServerName) {
  std::promise<std::string> sni;
  auto sent_sni = sni.get_future();
  test_peer peer(tls_echo(true, &sni));
  tls_options tls;
  tls.ca_file = cert().string();
  tls.server_name = "localhost";
  std::string error;
  auto c = connection::open(make_url(url(peer.port())), tls, clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  expect_echo(*c, "trusted");
  EXPECT_EQ(wait_result(sent_sni), "localhost");
}

TEST_F(ConnectionTls, CaFileWithIpAddressSan) {
  std::promise<std::string> sni;
  auto sent_sni = sni.get_future();
  test_peer peer(tls_echo(true, &sni));
  tls_options tls;
  tls.ca_file = cert().string();  // no server_name: checked against IP:127.0.0.1
  std::string error;
  auto c = connection::open(make_url(url(peer.port())), tls, clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  expect_echo(*c, "by address");
  EXPECT_EQ(wait_result(sent_sni), "") << "RFC 6066 3: no IP addresses in SNI";
}

TEST_F(ConnectionTls, CaFileWithWrongServerNameFails) {
  test_peer peer(tls_echo());
  tls_options tls;
  tls.ca_file = cert().string();
  tls.server_name = "other.example";
  std::string error;
  auto c = connection::open(make_url(url(peer.port())), tls, clock::now() + 5s, error);
  EXPECT_FALSE(c);
  EXPECT_NE(error.find("certificate verification failed: "), std::string::npos) << error;
  EXPECT_NE(error.find("mismatch"), std::string::npos) << error;
}

TEST_F(ConnectionTls, MissingCaFileIsReported) {
  test_peer peer(tls_echo());
  tls_options tls;
  tls.ca_file = (dir_ / "nope.pem").string();
  std::string error;
  auto c = connection::open(make_url(url(peer.port())), tls, clock::now() + 5s, error);
  EXPECT_FALSE(c);
  EXPECT_NE(error.find("cannot load CA file"), std::string::npos) << error;
}

TEST_F(ConnectionTls, HandshakeWithSilentPeerTimesOut) {
  test_peer peer([](tcp::socket s) -> asio::awaitable<void> {
    char b[512];
    for (;;) co_await s.async_read_some(asio::buffer(b), asio::use_awaitable);
  });
  tls_options tls;
  tls.verify = false;
  std::string error;
  const auto t0 = clock::now();
  auto c = connection::open(make_url(url(peer.port())), tls, t0 + 400ms, error);
  const auto took = since(t0);
  EXPECT_FALSE(c);
  EXPECT_NE(error.find("timed out"), std::string::npos) << error;
  EXPECT_GE(took, 390ms);
  EXPECT_LT(took, 400ms + 2s);
}

TEST_F(ConnectionTls, HandshakeWithPlainHttpPeerFails) {
  test_peer peer([](tcp::socket s) -> asio::awaitable<void> {
    const std::string reply = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
    co_await asio::async_write(s, asio::buffer(reply), asio::use_awaitable);
    char b[512];
    for (;;) co_await s.async_read_some(asio::buffer(b), asio::use_awaitable);
  });
  tls_options tls;
  tls.verify = false;
  std::string error;
  auto c = connection::open(make_url(url(peer.port())), tls, clock::now() + 5s, error);
  EXPECT_FALSE(c);
  EXPECT_EQ(error.rfind("TLS handshake failed: ", 0), 0u) << error;
}

TEST_F(ConnectionTls, CloseNotifyIsEofAndShutdownSendSendsIt) {
  test_peer peer(tls_echo(true));
  tls_options tls;
  tls.verify = false;
  std::string error;
  auto c = connection::open(make_url(url(peer.port())), tls, clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  expect_echo(*c, "before");
  // Our close_notify ends the peer's read loop; it answers with its own close_notify.
  ASSERT_EQ(c->shutdown_send(clock::now() + 5s).status, io_status::ok);
  std::string got;
  const io_result r = read_to_end(*c, got, clock::now() + 5s);
  EXPECT_EQ(got, "");
  EXPECT_EQ(r.status, io_status::eof) << r.message;
  EXPECT_NE(r.message.find("close_notify"), std::string::npos) << r.message;
  EXPECT_EQ(r.message.find("without"), std::string::npos) << r.message;
}

TEST_F(ConnectionTls, TcpCloseWithoutCloseNotifyIsEofSaidSo) {
  test_peer peer(tls_echo(false));
  tls_options tls;
  tls.verify = false;
  std::string error;
  auto c = connection::open(make_url(url(peer.port())), tls, clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  ASSERT_EQ(c->write(to_bytes("END"), clock::now() + 5s).status, io_status::ok);
  std::string got;
  const io_result r = read_to_end(*c, got, clock::now() + 5s);
  EXPECT_EQ(r.status, io_status::eof) << r.message;
  EXPECT_NE(r.message.find("without TLS close_notify"), std::string::npos) << r.message;
}

TEST_F(ConnectionTls, WriteToPeerThatNeverReadsTimesOutAndReadsStillWork) {
  test_peer peer([ctx = server_context()](tcp::socket sock) -> asio::awaitable<void> {
    asio::ssl::stream<tcp::socket> s(std::move(sock), *ctx);
    co_await s.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
    co_await asio::async_write(s, asio::buffer("hi", 2), asio::use_awaitable);
    asio::steady_timer t(s.get_executor(), 10s);
    co_await t.async_wait(asio::use_awaitable);
  });
  tls_options tls;
  tls.verify = false;
  std::string error;
  auto c = connection::open(make_url(url(peer.port())), tls, clock::now() + 5s, error);
  ASSERT_TRUE(c) << error;
  const bytes big(64u << 20, 'x');
  const auto t0 = clock::now();
  const io_result w = c->write(big, t0 + 500ms);
  const auto took = since(t0);
  EXPECT_EQ(w.status, io_status::timeout) << w.message;
  EXPECT_GT(w.bytes, 0u);
  EXPECT_LT(w.bytes, big.size());
  EXPECT_LT(took, 500ms + 2s);
  EXPECT_EQ(read_exactly(*c, 2, clock::now() + 5s), "hi");
}

}  // namespace
}  // namespace wsspec
