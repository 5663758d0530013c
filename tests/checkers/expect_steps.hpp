// What every finding's Finding::steps (the HTML report's sequence diagram)
// must hold, whatever the rule: at least one arrow, exactly one missing
// happens-before edge, ends that are sides or named parties, and every side an
// end of some arrow.  Checked on every finding the checker tests build.
#pragma once

#include <gtest/gtest.h>

#include <set>

#include "analyzer/report/finding.hpp"

namespace fluxtrace::checkers {

inline void expect_steps(const report::Finding &f) {
    SCOPED_TRACE(f.rule + " " + f.key);
    EXPECT_FALSE(f.steps.empty());
    size_t missing = 0;
    std::set<int> ends;
    for (const auto &st : f.steps) {
        missing += st.missing ? 1 : 0;
        EXPECT_FALSE(st.label.empty());
        for (const int end : {st.from_side, st.to_side}) {
            if (end == report::Step::kParty) {
                EXPECT_FALSE(st.party.empty()) << st.label;
                continue;
            }
            EXPECT_GE(end, 0);
            EXPECT_LT(end, static_cast<int>(f.sides.size())) << st.label;
            ends.insert(end);
        }
    }
    EXPECT_EQ(missing, 1u);
    EXPECT_EQ(ends.size(), f.sides.size());
}

} // namespace fluxtrace::checkers
