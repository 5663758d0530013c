#include "checker.hpp"

namespace fluxtrace::checkers {

std::vector<std::string> checker_names() {
    return {"reactor-blocking", "watch-chaining"};
}

std::vector<report::Finding> run_all(const report::Describer &d,
                                     const CheckOptions &options) {
    std::vector<report::Finding> all = check_reactor_blocking(d, options);
    for (auto &f : check_watch_chaining(d, options))
        all.push_back(std::move(f));
    return report::merge_findings(std::move(all));
}

} // namespace fluxtrace::checkers
