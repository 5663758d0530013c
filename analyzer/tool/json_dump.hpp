// --dump: one JSON object per record and line, for tests and scripts.
#pragma once

#include <string>

#include "../record.hpp"

namespace fluxtrace::tool {

// {"name":"msg","ts":...,"vpid":...,"vtid":...,"procname":"...","src":0, fields...}
// Integers shown in base 16 by the trace (handles, futures, hashes) are
// "0x..." strings, which jq cannot round; byte sequences are hex strings;
// integer arrays are arrays of "0x..." strings (stacks) or of numbers.  A
// field named like a header key (`attr`'s `name`) is written "_name".
void append_json(const Record &r, std::string &out);

} // namespace fluxtrace::tool
