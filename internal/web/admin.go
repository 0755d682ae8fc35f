package web

// registerAdminRoutes registers the administrators' routes: accounts, organisations,
// reference data and security settings.
func (s *Server) registerAdminRoutes() {}
