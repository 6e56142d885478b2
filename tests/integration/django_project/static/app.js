console.log("served by WhiteNoise");
