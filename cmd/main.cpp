#include "dlqcat_main.hpp"

int
main(int argc, char** argv)
{
  return dlq::cmd::dlqcat_main(argc, argv);
}
