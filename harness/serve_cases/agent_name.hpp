// Agent names: what a client under test calls itself (`agent=` in the URL, --agent). They are
// untrusted and become directory names under --out, so they are reduced to a safe spelling,
// which is also the agent's identity (two names with one spelling are one agent).
#pragma once

#include <string>
#include <string_view>

namespace wsspec::serve_cases {

// Letters, digits, '.', '-' and '_' are kept, every other byte becomes '_', at most 64 bytes;
// "", "." and ".." (and any name starting with '.') get a leading '_'. Never a path separator.
std::string safe_agent_name(std::string_view name);

// The agent of `--client-cmd` when --agent is not given: the basename of the command's first
// word ("/usr/bin/python3 client.py {url}" -> "python3"), made safe.
std::string default_agent_name(std::string_view first_word);

}  // namespace wsspec::serve_cases
