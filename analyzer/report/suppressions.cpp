#include "suppressions.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace fluxtrace::report {

namespace {

std::string trim(const std::string &s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos)
        return "";
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

bool glob(const std::string &pattern, const std::string &text) {
    return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

} // namespace

Suppressions Suppressions::parse(std::istream &in, const std::string &name) {
    Suppressions out;
    std::string raw;
    int n = 0;
    while (std::getline(in, raw)) {
        n++;
        const std::string line = trim(raw.substr(0, raw.find('#')));
        if (line.empty())
            continue;
        // Function names may hold "::" (C++), so only the first two colons split.
        const auto a = line.find(':');
        if (a == std::string::npos)
            throw std::invalid_argument(name + ":" + std::to_string(n) +
                                        ": expected rule:key-glob[:function-glob]");
        const auto b = line.find(':', a + 1);
        Suppression s;
        s.rule = trim(line.substr(0, a));
        s.key_glob = trim(line.substr(a + 1, b == std::string::npos ? b : b - a - 1));
        s.function_glob = b == std::string::npos ? "*" : trim(line.substr(b + 1));
        s.line = n;
        if (s.rule.empty() || s.key_glob.empty() || s.function_glob.empty())
            throw std::invalid_argument(name + ":" + std::to_string(n) +
                                        ": empty rule, key glob or function glob");
        out.entries_.push_back(std::move(s));
    }
    return out;
}

Suppressions Suppressions::load(const std::string &path) {
    std::ifstream in(path);
    if (!in)
        throw std::invalid_argument(path + ": cannot read suppressions file");
    return parse(in, path);
}

const Suppression *Suppressions::match(const Finding &f) const {
    for (const auto &s : entries_)
        if ((s.rule == "*" || s.rule == f.rule) && glob(s.key_glob, f.key) &&
            glob(s.function_glob, f.function)) {
            s.hits += f.occurrences;
            return &s;
        }
    return nullptr;
}

std::uint64_t apply(const Suppressions &s, std::vector<Finding> &findings) {
    const auto before = findings.size();
    findings.erase(
        std::remove_if(findings.begin(), findings.end(),
                       [&](const Finding &f) { return s.match(f) != nullptr; }),
        findings.end());
    return before - findings.size();
}

} // namespace fluxtrace::report
