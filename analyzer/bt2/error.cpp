#include "error.hpp"

#include <babeltrace2/babeltrace.h>

namespace fluxtrace::bt2 {

std::string one_line(const std::string &message) {
    std::string out;
    bool space = false;
    for (const char c : message) {
        if (c == '\n' || c == '\t' || c == ' ' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

Error::Error(const std::string &what, std::vector<ErrorCause> causes)
    : std::runtime_error(what), causes_(std::move(causes)) {}

Error Error::take(const std::string &what) {
    std::vector<ErrorCause> causes;
    const bt_error *error = bt_current_thread_take_error();
    if (error) {
        const uint64_t n = bt_error_get_cause_count(error);
        // Causes are appended as the error travels outwards: index 0 is the
        // innermost.
        for (uint64_t i = 0; i < n; i++) {
            const bt_error_cause *cause = bt_error_borrow_cause_by_index(error, i);
            ErrorCause c{one_line(bt_error_cause_get_message(cause)), {}};
            switch (bt_error_cause_get_actor_type(cause)) {
            case BT_ERROR_CAUSE_ACTOR_TYPE_COMPONENT:
                c.component = bt_error_cause_component_actor_get_component_name(cause);
                break;
            case BT_ERROR_CAUSE_ACTOR_TYPE_MESSAGE_ITERATOR:
                c.component =
                    bt_error_cause_message_iterator_actor_get_component_name(cause);
                break;
            default:
                break;
            }
            causes.push_back(std::move(c));
        }
        bt_error_release(error);
    }
    return Error(what, std::move(causes));
}

std::string Error::root_cause() const {
    return causes_.empty() ? std::string(what()) : causes_.front().message;
}

bool Error::involves(const std::string &component) const {
    for (const auto &c : causes_)
        if (c.component == component)
            return true;
    return false;
}

} // namespace fluxtrace::bt2
