// The run's command line in the reports: recorded as argv in results.json, shown quoted for a
// POSIX shell in the HTML header (escaped), and reused by each case's rerun command.
#include "wsspec/reports/command_line.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "markup_scan.hpp"
#include "sample_runs.hpp"
#include "wsspec/reports/html_report.hpp"
#include "wsspec/reports/junit_xml.hpp"
#include "wsspec/reports/results_reader.hpp"

namespace wsspec {
namespace {

using words = std::vector<std::string>;

// What /bin/sh makes of `line`: its words, each as printf got it.
words shell_split(const std::string& line) {
  const std::string cmd = "printf '%s\\0' " + line;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {"popen failed"};
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  pclose(p);
  words w;
  for (std::size_t at = 0, end; (end = out.find('\0', at)) != std::string::npos; at = end + 1)
    w.push_back(out.substr(at, end - at));
  return w;
}

// Everything a shell could expand or split: spaces, quotes, globs, $, ~, backslashes.
const words awkward_argv = {"wsspec",
                            "run",
                            "ws://127.0.0.1:9001/a b?x=1&y=$HOME",
                            "--cases",
                            "1.*,handshake/*",
                            "--case-dir",
                            "my cases",
                            "--baseline",
                            "it's \"accepted\".json",
                            "--out",
                            "~/r e`id`",
                            "--timeout",
                            "2.5",
                            "--strict",
                            "",
                            "tab\there\\n"};

TEST(CommandLine, ShellJoinSplitsBackIntoTheSameWords) {
  const std::string line = command_line::shell_join(awkward_argv);
  EXPECT_EQ(shell_split(line), awkward_argv) << line;
  EXPECT_EQ(line,
            "wsspec run 'ws://127.0.0.1:9001/a b?x=1&y=$HOME' --cases '1.*,handshake/*' "
            "--case-dir 'my cases' --baseline 'it'\\''s \"accepted\".json' --out '~/r e`id`' "
            "--timeout 2.5 --strict '' 'tab\there\\n'");
}

TEST(CommandLine, RerunKeepsTheRunsFlagsButNotItsSelectionOrOutputs) {
  EXPECT_EQ(command_line::rerun_argv(awkward_argv, "close/invalid-code-0"),
            (words{"wsspec", "run", "ws://127.0.0.1:9001/a b?x=1&y=$HOME", "--case-dir", "my cases",
                   "--baseline", "it's \"accepted\".json", "--timeout", "2.5", "--strict", "",
                   "tab\there\\n", "--cases", "close/invalid-code-0"}));
  // Every spelling CLI11 accepts: --opt=value, -j8, greedy lists before the URL, repeated.
  EXPECT_EQ(command_line::rerun_argv({"/opt/bin/wsspec",
                                      "run",
                                      "--cases",
                                      "1.*",
                                      "2.*",
                                      "wss://h/",
                                      "--exclude=1.1.1",
                                      "-j8",
                                      "--jobs",
                                      "3",
                                      "--jobs=4",
                                      "-j",
                                      "2",
                                      "--autobahn-json",
                                      "index.json",
                                      "--out=r",
                                      "--insecure",
                                      "--max-message",
                                      "1MiB",
                                      "--cases",
                                      "x",
                                      "--ca",
                                      "ca.pem"},
                                     "1.1.2"),
            (words{"/opt/bin/wsspec", "run", "wss://h/", "--insecure", "--max-message", "1MiB",
                   "--ca", "ca.pem", "--cases", "1.1.2"}));
  // After "--" every word is positional: the selection goes before it.
  EXPECT_EQ(command_line::rerun_argv({"wsspec", "run", "--out", "r", "--", "ws://h/"}, "a"),
            (words{"wsspec", "run", "--cases", "a", "--", "ws://h/"}));
  // Not a `run` command line: nothing to reuse.
  EXPECT_TRUE(command_line::rerun_argv({"wsspec", "serve-cases", "--port", "9001"}, "a").empty());
  EXPECT_TRUE(command_line::rerun_argv({}, "a").empty());
}

TEST(CommandLine, RerunCommandQuotesTheIdAndFallsBackWithoutArgv) {
  run_summary run;
  run.target_url = "ws://h:1/$(x)";
  run.command = "wsspec run ws://h:1/";
  // A results.json written before argv was recorded: URL and case, as before.
  EXPECT_EQ(command_line::rerun_command(run, "a'b"),
            "wsspec run 'ws://h:1/$(x)' --cases 'a'\\''b'");
  EXPECT_EQ(command_line::run_command_line(run), "wsspec run ws://h:1/");
  run.argv = {"./wsspec", "run", "ws://h:1/", "--cases", "7.*", "--strict"};
  EXPECT_EQ(command_line::rerun_command(run, "close/code-only"),
            "./wsspec run ws://h:1/ --strict --cases 'close/code-only'");
  EXPECT_EQ(command_line::run_command_line(run), "./wsspec run ws://h:1/ --cases '7.*' --strict");
}

// A results.json as `wsspec run` writes it, cut to what the report needs.
std::string results_text(const std::string& argv_json) {
  return R"({"tool": {"name": "wsspec", "version": "0.1.0"},
    "target": {"url": "ws://127.0.0.1:9001/a b", "server": ""},
    "command": "wsspec run 'ws://127.0.0.1:9001/a b'",)" +
         argv_json + R"(
    "summary": {"fail": 1},
    "cases": [{"id": "close/code-only", "autobahn": "7.3.4", "area": "close", "rfc": ["7.4"],
               "title": "t", "verdict": "fail", "reason": "r", "duration_ms": 1,
               "transcript": []}]})";
}

run_summary parse(const std::string& text) {
  run_summary run;
  results_error err;
  EXPECT_TRUE(parse_results_json(text, run, err)) << err.to_string();
  return run;
}

TEST(CommandLine, ResultsJsonWithArgvShowsTheWholeCommandEscaped) {
  const run_summary run = parse(results_text(
      R"("argv": ["wsspec", "run", "ws://127.0.0.1:9001/a b", "--cases", "7.*",
                  "--out", "it's <here>", "--strict"],)"));
  const std::string html = render_html(run);
  // The header: every word, quoted for sh, escaped for HTML.
  EXPECT_NE(html.find("<div class=\"cmdline\"><code>wsspec run &#39;ws://127.0.0.1:9001/a b&#39; "
                      "--cases &#39;7.*&#39; --out &#39;it&#39;\\&#39;&#39;s &lt;here&gt;&#39; "
                      "--strict</code><button"),
            std::string::npos);
  // The case's rerun: the run's flags, not its selection or output folder.
  EXPECT_NE(html.find("<code>wsspec run &#39;ws://127.0.0.1:9001/a b&#39; --strict --cases "
                      "&#39;close/code-only&#39;</code>"),
            std::string::npos);
  // JUnit likewise (XML-escaped): the run's command line and the case's rerun.
  const std::string junit = render_junit(run);
  EXPECT_NE(junit.find("<property name=\"command\" value=\"wsspec run &apos;ws://127.0.0.1:9001/a "
                       "b&apos; --cases &apos;7.*&apos; --out &apos;it&apos;\\&apos;&apos;s "
                       "&lt;here&gt;&apos; --strict\"/>"),
            std::string::npos)
      << junit;
  EXPECT_NE(junit.find("Rerun: wsspec run &apos;ws://127.0.0.1:9001/a b&apos; --strict --cases "
                       "&apos;close/code-only&apos;"),
            std::string::npos);
  // Written back, argv is kept word for word.
  EXPECT_EQ(to_json(run)["argv"], nlohmann::json(run.argv));
  EXPECT_EQ(parse(to_json(run).dump()).argv, run.argv);
}

TEST(CommandLine, ResultsJsonWithoutArgvStillRenders) {
  const run_summary run = parse(results_text(""));
  EXPECT_TRUE(run.argv.empty());
  const std::string html = render_html(run);
  EXPECT_NE(html.find("<code>wsspec run &#39;ws://127.0.0.1:9001/a b&#39;</code>"),
            std::string::npos);
  EXPECT_NE(html.find("<code>wsspec run &#39;ws://127.0.0.1:9001/a b&#39; --cases "
                      "&#39;close/code-only&#39;</code>"),
            std::string::npos);
  EXPECT_FALSE(to_json(run).contains("argv"));
}

TEST(CommandLine, MarkupInArgvStaysText) {
  run_summary run = sample::realistic_run();
  run.argv = {"wsspec",
              "run",
              "ws://127.0.0.1:9001/",
              "--cases",
              "\"><script>alert(1)</script><a href=\"javascript:x\">",
              "--out",
              "</code>\x01"};
  const std::string html = render_html(run);
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("\x01"), std::string::npos);
  for (const auto& t : test::scan_tags(html)) {
    for (const auto& [attr, value] : t.attributes) {
      if (attr == "href") {
        EXPECT_FALSE(value.starts_with("javascript")) << value;
      }
    }
  }
  EXPECT_NE(html.find("&#39;&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

}  // namespace
}  // namespace wsspec
