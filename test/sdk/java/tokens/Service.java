package tokens;

// An interface's methods get interface method tokens in its own scope.
public interface Service {
  short serve(short value);

  short serveTwice(short value);
}
