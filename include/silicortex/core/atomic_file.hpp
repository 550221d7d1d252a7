#pragma once
// Output files are written under a temporary name and renamed into place only when complete, so an
// interrupted run (error, Ctrl-C, kill) never leaves a half-written file under the final name.
#include <filesystem>
#include <string>

namespace scx {

class AtomicOutput {
 public:
  explicit AtomicOutput(std::filesystem::path final_path);
  ~AtomicOutput();  // removes the temporary file unless commit() succeeded
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& final_path() const { return final_; }
  void commit();  // fsync-free rename; throws scx::Error on failure

 private:
  std::filesystem::path final_, temp_;
  bool committed_ = false;
  int slot_ = -1;
};

// Checks, before any long work, that `path` can be created: its directory exists and is writable. Throws
// scx::Error naming the path otherwise.
void check_writable(const std::filesystem::path& path);

// Writes a whole text file atomically.
void write_text_atomically(const std::filesystem::path& path, const std::string& text);

// Installs SIGINT/SIGTERM handlers that delete every live AtomicOutput's temporary file before exiting.
void install_interrupt_cleanup();

}  // namespace scx
