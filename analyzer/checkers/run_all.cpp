#include "checker.hpp"

namespace fluxtrace::checkers {

namespace {

using CheckFn = std::vector<report::Finding> (*)(const report::Describer &,
                                                 const CheckOptions &);

struct Entry {
    const char *name;
    CheckFn fn;
};

// In the order of RFC 9's issue list: anti-patterns, then best practices;
// then what follows from them beyond the list.
constexpr Entry kCheckers[] = {
    {"watch-chaining", check_watch_chaining},
    {"replacement-updates", check_replacement_updates},
    {"missing-version-wait", check_missing_version_wait},
    {"reactor-blocking", check_reactor_blocking},
    {"rpc-fanout", check_rpc_fanout},
    {"scattered-triggers", check_scattered_triggers},
    {"requeue-storm", check_requeue_storm},
};

} // namespace

std::vector<std::string> checker_names() {
    std::vector<std::string> names;
    for (const Entry &e : kCheckers)
        names.push_back(e.name);
    return names;
}

std::vector<report::Finding> run_all(const report::Describer &d,
                                     const CheckOptions &options) {
    std::vector<report::Finding> all;
    for (const Entry &e : kCheckers)
        for (auto &f : e.fn(d, options))
            all.push_back(std::move(f));
    return report::merge_findings(std::move(all));
}

} // namespace fluxtrace::checkers
