#include <fstream>
#include <iostream>
#include <sstream>
#include "parse/parser.h"
int main(int argc, char** argv) {
  std::ifstream in(argv[1]); std::stringstream ss; ss << in.rdbuf();
  vlac::SourceFile f(argv[1], ss.str());
  vlac::Diagnostics d;
  auto p = vlac::parse_program(f, d);
  std::cerr << vlac::render_all(f, d);
  std::cout << p.statements.size() << " statements\n";
  return d.has_errors();
}
