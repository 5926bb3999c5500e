# Production-like image: the binary without the embedded store (build tag
# noembedded), talking to MongoDB through PASSERELLE_MONGO_URI.
FROM golang:1.27 AS build
WORKDIR /src
ENV GOTOOLCHAIN=go1.27.3 CGO_ENABLED=0
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -tags noembedded -trimpath -ldflags="-s -w" -o /out/passerelle ./cmd/passerelle

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/passerelle /passerelle
USER nonroot:nonroot
EXPOSE 8080
ENV PASSERELLE_ADDR=:8080 PASSERELLE_ENV=production
ENTRYPOINT ["/passerelle"]
CMD ["serve"]
