package web

// registerCompetitionRoutes is written by the issue-4 work on this area.
func (s *Server) registerCompetitionRoutes() {}
