#include "ingest/segments.h"

#include <algorithm>

namespace glint::native {

ThreadSegments::ThreadSegments(unsigned threads, size_t segment_bytes)
    : segment_bytes_(std::max<size_t>(1, segment_bytes)), window_(2 * static_cast<size_t>(std::max(1u, threads)) + 2) {
  slots_.resize(window_);
  for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

ThreadSegments::~ThreadSegments() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

unsigned ThreadSegments::machine_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

bool ThreadSegments::claimable() const { return next_ < segments_ && next_ < wanted_ + window_; }

void ThreadSegments::compute(size_t k) {
  Slot& slot = slots_[k % window_];
  const size_t begin = csv_segment_start(text_, k * segment_bytes_);
  const size_t limit = csv_segment_start(text_, (k + 1) * segment_bytes_);
  csv_tokenize_segment(text_, begin, limit, options_, slot.batch);
  if (hook_ != nullptr) hook_->annotate(slot.batch);
  std::lock_guard<std::mutex> lock(mu_);
  slot.k = k;
  slot.ready = true;
  --busy_;
  done_cv_.notify_all();
}

void ThreadSegments::claim_and_compute(std::unique_lock<std::mutex>& lock) {
  const size_t k = next_++;
  slots_[k % window_].ready = false;
  ++busy_;
  lock.unlock();
  compute(k);
  lock.lock();
}

void ThreadSegments::work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return stop_ || claimable(); });
    if (stop_) return;
    claim_and_compute(lock);
  }
}

void ThreadSegments::begin(std::string_view text, const CsvOptions& options, const CsvBatchHook* hook) {
  std::lock_guard<std::mutex> lock(mu_);
  text_ = text;
  options_ = options;
  hook_ = hook;
  segments_ = text.empty() ? 0 : (text.size() + segment_bytes_ - 1) / segment_bytes_;
  next_ = 0;
  wanted_ = 0;
  for (Slot& s : slots_) {
    s.k = SIZE_MAX;
    s.ready = false;
  }
  work_cv_.notify_all();
}

const CsvBatch* ThreadSegments::batch(size_t k) {
  std::unique_lock<std::mutex> lock(mu_);
  if (k >= segments_) return nullptr;
  wanted_ = k;  // frees the slots before k for segments further ahead
  work_cv_.notify_all();
  Slot& slot = slots_[k % window_];
  while (!(slot.ready && slot.k == k)) {
    if (next_ <= k) {
      // Nobody has it yet: the caller tokenizes the next one itself rather than wait.
      claim_and_compute(lock);
      continue;
    }
    done_cv_.wait(lock);
  }
  return &slot.batch;
}

void ThreadSegments::end() {
  std::unique_lock<std::mutex> lock(mu_);
  segments_ = 0;  // nothing more is claimed
  done_cv_.wait(lock, [this] { return busy_ == 0; });
  text_ = {};
}

}  // namespace glint::native
