// Interned strings: each distinct string is stored once and named by a 32-bit
// id, so records stay small and comparing names is comparing integers.
#pragma once

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "arena.hpp"

namespace fluxtrace {

using StrId = std::uint32_t;

class StringPool {
  public:
    static constexpr StrId kEmpty = 0;

    StringPool();
    StringPool(const StringPool &) = delete;
    StringPool &operator=(const StringPool &) = delete;

    StrId intern(std::string_view s);
    std::string_view view(StrId id) const { return views_[id]; }
    // Returns kNotFound when `s` was never interned.
    static constexpr StrId kNotFound = UINT32_MAX;
    StrId find(std::string_view s) const;

    size_t size() const { return views_.size(); }
    size_t bytes_reserved() const;

  private:
    Arena chars_;
    std::vector<std::string_view> views_;
    std::unordered_map<std::string_view, StrId> ids_;
};

} // namespace fluxtrace
