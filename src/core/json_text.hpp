// Writing JSON text by hand where the hot path cannot afford building a document first.
#pragma once

#include <string>
#include <string_view>

namespace authd {

// Appends `text` to `out` as the inside of a JSON string (quotes, backslashes and control
// characters escaped; valid UTF-8 passes through).
void append_json_escaped(std::string& out, std::string_view text);

// Appends `"text"`.
inline void append_json_string(std::string& out, std::string_view text)
{
    out += '"';
    append_json_escaped(out, text);
    out += '"';
}

}  // namespace authd
