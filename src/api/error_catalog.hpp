// The error catalog: for every errc, its HTTP status, stable error_code and English/Polish message.
#pragma once

#include "core/errc.hpp"

#include <boost/beast/http/status.hpp>

#include <string_view>

namespace authd::api {

enum class language { en, pl };

struct catalog_entry {
    boost::beast::http::status status;
    std::string_view error_code;
    std::string_view message_en;
    std::string_view message_pl;

    std::string_view message(language lang) const { return lang == language::pl ? message_pl : message_en; }
};

catalog_entry describe(errc e);

// Polish when Accept-Language prefers "pl" (by q-value) over every other language it names.
language preferred_language(std::string_view accept_language);

}  // namespace authd::api
