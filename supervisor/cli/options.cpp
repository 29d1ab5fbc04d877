#include "cli/options.hpp"

namespace po = boost::program_options;

namespace sysgate::cli {

ParsedCommand parse_command(const std::vector<std::string>& args, const po::options_description& table,
                            bool operands_end_options) {
  ParsedCommand out;
  std::vector<std::string> options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      out.operands.insert(out.operands.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (a.size() > 2 && a.starts_with("--")) {
      std::string name = a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2);
      const po::option_description* d = table.find_nothrow(name, false, false, false);
      if (d == nullptr) throw UsageError("unknown option '--" + name + "'");
      options.push_back(a);
      bool takes_value = d->semantic()->max_tokens() > 0;
      if (takes_value && a.find('=') == std::string::npos) {
        if (i + 1 >= args.size()) throw UsageError("--" + name + " needs a value");
        options.push_back(args[++i]);
      } else if (!takes_value && a.find('=') != std::string::npos) {
        throw UsageError("--" + name + " takes no value");
      }
      continue;
    }
    if (a.size() > 1 && a[0] == '-') throw UsageError("unknown option '" + a + "'");
    if (operands_end_options) {
      out.operands.insert(out.operands.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    out.operands.push_back(a);
  }
  // Long options only, written in full.
  const int style = po::command_line_style::allow_long | po::command_line_style::long_allow_adjacent |
                    po::command_line_style::long_allow_next;
  try {
    po::store(po::command_line_parser(options).options(table).style(style).run(), out.options);
    po::notify(out.options);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return out;
}

}  // namespace sysgate::cli
