// The run's early stops (a signal, the total time-out) and its notice that the target went quiet.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "run/stall_watch.hpp"
#include "run/stop_request.hpp"

namespace wsspec {
namespace {

using namespace std::chrono_literals;

TEST(StopRequest, TotalTimeOutStopsLikeASignalUntilCleared) {
  ASSERT_FALSE(stop_requested());
  stop_at(std::chrono::steady_clock::now() + 1h);
  EXPECT_FALSE(deadline_passed());
  EXPECT_FALSE(stop_requested());
  stop_at(std::chrono::steady_clock::now() - 1ms);
  EXPECT_TRUE(deadline_passed());
  EXPECT_TRUE(stop_requested());
  EXPECT_EQ(stop_signal(), 0) << "a time-out is no signal: the exit code tells them apart";
  stop_at({});
  EXPECT_FALSE(stop_requested());
}

struct said {
  std::mutex m;
  std::vector<std::string> lines;
  void operator()(const std::string& line) {
    std::lock_guard lock(m);
    lines.push_back(line);
  }
  std::vector<std::string> get() {
    std::lock_guard lock(m);
    return lines;
  }
};

TEST(StallWatch, SaysOnceWhileCasesWaitOnASilentTarget) {
  idle_clock activity;
  said out;
  {
    stall_watch w(
        activity, 200ms, [] { return std::string("framing/a, framing/b"); },
        [&](const std::string& l) { out(l); });
    std::this_thread::sleep_for(1200ms);  // one silence, five times longer than the notice
  }
  const auto lines = out.get();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].rfind("wsspec: no byte has moved to or from the target for ", 0), 0u);
  EXPECT_NE(lines[0].find(" s; waiting on framing/a, framing/b"), std::string::npos) << lines[0];
}

TEST(StallWatch, SilentWhileTheTargetMovesBytesOrNoCaseWaits) {
  idle_clock activity;
  said out;
  {
    stall_watch w(
        activity, 300ms, [] { return std::string(); }, [&](const std::string& l) { out(l); });
    std::this_thread::sleep_for(700ms);  // silent target, but nothing waits on it
  }
  {
    stall_watch w(
        activity, 300ms, [] { return std::string("x"); }, [&](const std::string& l) { out(l); });
    for (int i = 0; i < 14; ++i) {  // busy target
      activity.touch();
      std::this_thread::sleep_for(50ms);
    }
  }
  EXPECT_TRUE(out.get().empty());
}

TEST(StallWatch, ANewSilenceAfterActivityIsSaidAgain) {
  idle_clock activity;
  said out;
  {
    stall_watch w(
        activity, 150ms, [] { return std::string("x"); }, [&](const std::string& l) { out(l); });
    std::this_thread::sleep_for(500ms);
    activity.touch();
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(w.notices(), 2u);
  }
  EXPECT_EQ(out.get().size(), 2u);
}

}  // namespace
}  // namespace wsspec
