package web

// registerRegistryRoutes registers the officers' registry routes: persons and organisations.
func (s *Server) registerRegistryRoutes() {}
