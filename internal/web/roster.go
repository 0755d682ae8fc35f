package web

func (s *Server) registerRosterRoutes() {}
