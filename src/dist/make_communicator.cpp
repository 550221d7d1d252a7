#include <cstdlib>

#include "silicortex/dist/communicator.hpp"

namespace scx::dist {

#ifdef SCX_WITH_MPI
std::shared_ptr<Communicator> make_mpi_communicator(int* argc, char*** argv);
#endif

std::shared_ptr<Communicator> make_communicator(int* argc, char*** argv) {
#ifdef SCX_WITH_MPI
  // Started by mpirun (Open MPI or a PMI launcher): talk MPI, even with one rank.
  if (std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE"))
    return make_mpi_communicator(argc, argv);
#endif
  (void)argc;
  (void)argv;
  return std::make_shared<LocalCommunicator>();
}

}  // namespace scx::dist
