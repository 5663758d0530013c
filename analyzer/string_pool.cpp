#include "string_pool.hpp"

#include <cstring>
#include <stdexcept>

namespace fluxtrace {

StringPool::StringPool() : chars_(256 * 1024) {
    views_.emplace_back();
    ids_.emplace(std::string_view{}, kEmpty);
}

StrId StringPool::intern(std::string_view s) {
    if (const auto it = ids_.find(s); it != ids_.end())
        return it->second;
    if (views_.size() >= kNotFound)
        throw std::length_error("string pool: more than 2^32-1 distinct strings");
    auto *copy = reinterpret_cast<char *>(chars_.allocate(s.size()));
    std::memcpy(copy, s.data(), s.size());
    const auto id = static_cast<StrId>(views_.size());
    const std::string_view stored{copy, s.size()};
    views_.push_back(stored);
    ids_.emplace(stored, id);
    return id;
}

StrId StringPool::find(std::string_view s) const {
    const auto it = ids_.find(s);
    return it == ids_.end() ? kNotFound : it->second;
}

size_t StringPool::bytes_reserved() const {
    return chars_.bytes_reserved() + views_.capacity() * sizeof(std::string_view) +
           ids_.size() * (sizeof(std::string_view) + sizeof(StrId) + 2 * sizeof(void *));
}

} // namespace fluxtrace
