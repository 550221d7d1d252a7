#pragma once
// std::visit helper: Overloaded{[](const A&) {...}, [](const B&) {...}}.
namespace scx {
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
}  // namespace scx
