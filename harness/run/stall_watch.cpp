#include "run/stall_watch.hpp"

namespace wsspec {

stall_watch::stall_watch(const idle_clock& activity, std::chrono::milliseconds after,
                         std::function<std::string()> waiting,
                         std::function<void(const std::string&)> say)
    : activity_(activity),
      after_(after),
      waiting_(std::move(waiting)),
      say_(std::move(say)),
      thread_([this] { watch(); }) {}

stall_watch::~stall_watch() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

unsigned stall_watch::notices() const {
  std::lock_guard lock(mutex_);
  return notices_;
}

void stall_watch::watch() {
  clock::time_point noticed{};  // the last activity a notice was printed for
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return done_; })) {
    const clock::time_point last = activity_.last();
    if (last == noticed || clock::now() - last < after_) continue;
    lock.unlock();
    const std::string cases = waiting_();
    if (!cases.empty()) {
      const auto s = std::chrono::duration_cast<std::chrono::seconds>(clock::now() - last);
      say_("wsspec: no byte has moved to or from the target for " + std::to_string(s.count()) +
           " s; waiting on " + cases);
      noticed = last;
    }
    lock.lock();
    if (noticed == last) ++notices_;
  }
}

}  // namespace wsspec
