// ThreadSegments — core's CsvSegments on a pool of threads: segment k of a
// chunk is tokenized by whichever thread is free (the caller's too, when it
// would otherwise wait), at most `window` segments ahead of the one the
// caller splices, so memory stays bounded whatever the file's size.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "glint/csv.h"

namespace glint::native {

class ThreadSegments final : public CsvSegments {
 public:
  // `threads` in all, the caller's included (so threads - 1 are started).
  ThreadSegments(unsigned threads, size_t segment_bytes);
  ~ThreadSegments() override;
  ThreadSegments(const ThreadSegments&) = delete;
  ThreadSegments& operator=(const ThreadSegments&) = delete;

  size_t segment_bytes() const override { return segment_bytes_; }
  void begin(std::string_view text, const CsvOptions& options, const CsvBatchHook* hook) override;
  const CsvBatch* batch(size_t k) override;
  void end() override;

  // The threads a machine has (at least 1).
  static unsigned machine_threads();

 private:
  struct Slot {
    CsvBatch batch;
    size_t k = SIZE_MAX;  // the segment it holds
    bool ready = false;
  };
  bool claimable() const;      // under mu_
  void compute(size_t k);      // without mu_
  void claim_and_compute(std::unique_lock<std::mutex>& lock);  // the next segment, lock held on entry and exit
  void work();

  const size_t segment_bytes_;
  const size_t window_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::vector<Slot> slots_;
  std::string_view text_;
  CsvOptions options_;
  const CsvBatchHook* hook_ = nullptr;
  size_t segments_ = 0;   // of the current text
  size_t next_ = 0;       // the next segment to claim
  size_t wanted_ = 0;     // the segment the caller splices (those before it are released)
  size_t busy_ = 0;       // segments being computed
  bool stop_ = false;
};

}  // namespace glint::native
