package io.floe.control.security;

import io.floe.control.api.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Every endpoint but the health probes (and the API's own documentation) needs a bearer token: a
 * static token or a JWT from the configured OIDC issuer. Viewers read, operators run lifecycles,
 * admins create, change and delete.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {
  @Bean
  SecurityFilterChain api(
      HttpSecurity http, AuthenticationManagerResolver<HttpServletRequest> authentication)
      throws Exception {
    http.csrf(csrf -> csrf.disable())
        .sessionManagement(
            session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .authorizeHttpRequests(
            requests ->
                requests
                    .requestMatchers("/actuator/health", "/actuator/health/**")
                    .permitAll()
                    .requestMatchers(
                        "/swagger-ui.html",
                        "/swagger-ui/**",
                        "/v3/api-docs",
                        "/v3/api-docs/**",
                        "/problems",
                        "/problems/**",
                        "/error")
                    .permitAll()
                    // Dead letters, and the reasons redrives report, hold what producers sent:
                    // operators read them.
                    .requestMatchers(
                        HttpMethod.GET, "/pipelines/*/dead-letters", "/pipelines/*/dead-letters/**")
                    .hasRole(Role.OPERATOR.name())
                    .requestMatchers(
                        HttpMethod.GET,
                        "/pipelines",
                        "/pipelines/**",
                        "/operations/**",
                        "/artifacts",
                        "/artifacts/**",
                        "/actuator/**")
                    .hasRole(Role.VIEWER.name())
                    .requestMatchers(
                        HttpMethod.POST,
                        "/pipelines/*/start",
                        "/pipelines/*/stop",
                        "/pipelines/*/restart",
                        "/pipelines/*/parallelism",
                        "/pipelines/*/maintenance/*/run",
                        "/pipelines/*/dead-letters/redrive")
                    .hasRole(Role.OPERATOR.name())
                    .anyRequest()
                    .hasRole(Role.ADMIN.name()))
        .oauth2ResourceServer(
            resourceServer ->
                resourceServer
                    .authenticationManagerResolver(authentication)
                    .authenticationEntryPoint(ProblemResponses.unauthorized())
                    .accessDeniedHandler(ProblemResponses.forbidden()))
        .exceptionHandling(
            exceptions ->
                exceptions
                    .authenticationEntryPoint(ProblemResponses.unauthorized())
                    .accessDeniedHandler(ProblemResponses.forbidden()));
    return http.build();
  }

  /**
   * No observation per security filter and request: Spring Security would otherwise time each of
   * its filters (a timer and a long task timer apiece), which cost a small request more than its
   * own work. The server's request metrics ({@code http.server.requests}) stay.
   */
  @Bean
  static SecurityObservationSettings securityObservations() {
    return SecurityObservationSettings.noObservations();
  }

  @Bean
  static RoleHierarchy roleHierarchy() {
    return RoleHierarchyImpl.fromHierarchy(
        "ROLE_ADMIN > ROLE_OPERATOR\nROLE_OPERATOR > ROLE_VIEWER");
  }

  /** Static tokens first; a token they do not know is tried as a JWT when an issuer is set. */
  @Bean
  AuthenticationManagerResolver<HttpServletRequest> bearerAuthentication(
      StaticTokens tokens, ObjectProvider<JwtDecoder> jwtDecoder, SecurityProperties properties) {
    List<AuthenticationProvider> providers = new ArrayList<>();
    providers.add(new StaticTokenProvider(tokens));
    Optional.ofNullable(jwtDecoder.getIfAvailable())
        .ifPresent(
            decoder -> {
              JwtAuthenticationProvider jwt = new JwtAuthenticationProvider(decoder);
              jwt.setJwtAuthenticationConverter(
                  token ->
                      new JwtAuthenticationToken(
                          token, roles(token, properties.rolesClaim()), token.getSubject()));
              providers.add(jwt);
            });
    AuthenticationManager manager = new ProviderManager(providers);
    return request -> manager;
  }

  private static Collection<GrantedAuthority> roles(Jwt jwt, String claim) {
    Object value = jwt.getClaims().get(claim);
    List<String> names = new ArrayList<>();
    if (value instanceof Collection<?> collection) {
      collection.forEach(item -> names.add(String.valueOf(item)));
    } else if (value != null) {
      for (String name : String.valueOf(value).split("[ ,]")) {
        names.add(name);
      }
    }
    List<GrantedAuthority> authorities = new ArrayList<>();
    for (String name : names) {
      Role.parse(name)
          .ifPresent(role -> authorities.add(new SimpleGrantedAuthority(role.authority())));
    }
    return authorities;
  }

  /** Authenticates bearer tokens configured (as hashes) in floe.security.tokens. */
  static final class StaticTokenProvider implements AuthenticationProvider {
    private final StaticTokens tokens;

    StaticTokenProvider(StaticTokens tokens) {
      this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
      String token = ((BearerTokenAuthenticationToken) authentication).getToken();
      return tokens
          .find(token)
          .<Authentication>map(
              caller ->
                  UsernamePasswordAuthenticationToken.authenticated(
                      caller.name(),
                      null,
                      List.of(new SimpleGrantedAuthority(caller.role().authority()))))
          .orElse(null);
    }

    @Override
    public boolean supports(Class<?> type) {
      return BearerTokenAuthenticationToken.class.isAssignableFrom(type);
    }
  }
}
