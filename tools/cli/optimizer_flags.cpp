#include "cli/optimizer_flags.h"

namespace vlac {
namespace {

std::string pass_list() {
  std::string s;
  for (const std::string& p : optimizer_pass_names()) s += (s.empty() ? "" : ", ") + p;
  return s;
}

/// `text` broken into lines of at most `width` characters at ", ", each after `indent`.
std::string wrapped(const std::string& text, size_t width, const std::string& indent) {
  std::string out, line;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(", ", start);
    std::string word = text.substr(start, comma == std::string::npos ? std::string::npos : comma + 1 - start);
    start = comma == std::string::npos ? text.size() : comma + 2;
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  return out + indent + line + "\n";
}

}  // namespace

FlagParse parse_optimizer_flag(const std::vector<std::string>& args, size_t& i, FrontendOptions* options, std::string* error) {
  const std::string& a = args[i];
  if (a == "--no-optimize") {
    options->optimize = false;
    return FlagParse::Taken;
  }
  std::string name;
  if (a.rfind("--disable-pass=", 0) == 0) {
    name = a.substr(15);
  } else if (a == "--disable-pass") {
    if (i + 1 >= args.size()) {
      *error = "--disable-pass needs a pass name; passes: " + pass_list();
      return FlagParse::Error;
    }
    name = args[++i];
  } else {
    return FlagParse::NotMine;
  }
  for (const std::string& p : optimizer_pass_names())
    if (p == name) {
      options->optimizer.disabled.insert(name);
      return FlagParse::Taken;
    }
  *error = "unknown pass '" + name + "'; passes: " + pass_list();
  return FlagParse::Error;
}

std::string with_optimizer_flags(const char* help, size_t column) {
  const std::string marker = "{optimizer flags}\n";
  std::string text = help;
  size_t at = text.find(marker);
  if (at == std::string::npos) return text;
  auto flag = [&](const std::string& name) {
    std::string s = "  " + name;
    return s + std::string(s.size() + 1 < column ? column - s.size() : 1, ' ');
  };
  const std::string indent(column, ' ');
  std::string flags = flag("--no-optimize") + "compile the plan as bound, without any optimizer pass\n" +
                      flag("--disable-pass=NAME") + "skip one optimizer pass (repeatable); the passes, in order:\n" +
                      wrapped(pass_list(), 96 - column, indent);
  return text.replace(at, marker.size(), flags);
}

}  // namespace vlac
