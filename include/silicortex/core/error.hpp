#pragma once
// Errors a user can cause (bad file, bad parameter, network that does not fit) are scx::Error, whose message
// already names the file, line, field or object. Bugs are caught by SCX_ASSERT.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace scx {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "file:line:column: field: message"; parts that are unknown (empty / 0) are left out.
std::string format_location(const std::string& file, int line, int column, const std::string& field);

[[noreturn]] void throw_error_at(const std::string& file, int line, int column, const std::string& field,
                                 const std::string& message);

[[noreturn]] inline void assert_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "silicortex: internal assertion failed: %s (%s:%d)\n", expr, file, line);
  std::abort();
}

}  // namespace scx

#if defined(SCX_ENABLE_ASSERTS) || !defined(NDEBUG)
#define SCX_ASSERT(expr) ((expr) ? void(0) : ::scx::assert_failed(#expr, __FILE__, __LINE__))
#else
#define SCX_ASSERT(expr) void(0)
#endif
