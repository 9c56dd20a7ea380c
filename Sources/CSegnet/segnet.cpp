#include "lightbox_segnet.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/features2d.hpp>

struct LbSegnet {
    cv::dnn::Net net;
    std::vector<std::string> outputs;
    // forward() is not re-entrant.
    std::mutex lock;
};

static void set_error(char **error, const std::string &message) {
    if (error) *error = strdup(message.c_str());
}

void lb_segnet_set_threads(int threads) { cv::setNumThreads(threads); }

LbSegnet *lb_segnet_load(const void *onnx, size_t length, char **error) {
    try {
        auto *segnet = new LbSegnet();
        segnet->net = cv::dnn::readNetFromONNX(static_cast<const char *>(onnx), length);
        if (segnet->net.empty()) {
            delete segnet;
            set_error(error, "the model holds no layers");
            return nullptr;
        }
        segnet->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        segnet->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        segnet->outputs = segnet->net.getUnconnectedOutLayersNames();
        return segnet;
    } catch (const std::exception &e) {
        set_error(error, e.what());
    } catch (...) {
        set_error(error, "unknown C++ exception while loading the model");
    }
    return nullptr;
}

int lb_segnet_output_count(const LbSegnet *net) { return static_cast<int>(net->outputs.size()); }

int lb_segnet_predict(LbSegnet *segnet, const float *input, int channels, int height, int width,
                      int output_index, float *output, size_t capacity,
                      int *output_height, int *output_width, char **error) {
    try {
        if (output_index < 0 || output_index >= static_cast<int>(segnet->outputs.size())) {
            set_error(error, "the model has no output number " + std::to_string(output_index));
            return -1;
        }
        int shape[4] = {1, channels, height, width};
        cv::Mat blob(4, shape, CV_32F, const_cast<float *>(input));
        cv::Mat result;
        {
            std::lock_guard<std::mutex> guard(segnet->lock);
            segnet->net.setInput(blob);
            result = segnet->net.forward(segnet->outputs[output_index]).clone();
        }
        if (result.dims != 4 || result.size[0] != 1 || result.size[1] != 1) {
            set_error(error, "the model's output is not a 1x1xHxW mask");
            return -1;
        }
        size_t count = static_cast<size_t>(result.size[2]) * result.size[3];
        if (count > capacity) {
            set_error(error, "the model's output is larger than expected");
            return -1;
        }
        std::memcpy(output, result.ptr<float>(), count * sizeof(float));
        *output_height = result.size[2];
        *output_width = result.size[3];
        return 0;
    } catch (const std::exception &e) {
        set_error(error, e.what());
    } catch (...) {
        set_error(error, "unknown C++ exception while running the model");
    }
    return -1;
}

void lb_segnet_free(LbSegnet *net) { delete net; }

void lb_segnet_free_error(char *error) { free(error); }

int lb_stable_regions(const unsigned char *grey, int width, int height, int min_area, int max_area,
                      int *boxes, int capacity, char **error) {
    try {
        // OpenCV does not write through the Mat; it only wraps the caller's pixels.
        cv::Mat image(height, width, CV_8UC1, const_cast<unsigned char *>(grey));
        auto mser = cv::MSER::create(5, min_area, max_area);
        std::vector<std::vector<cv::Point>> regions;
        std::vector<cv::Rect> found;
        mser->detectRegions(image, regions, found);
        for (size_t index = 0; index < found.size() && index < static_cast<size_t>(capacity); index++) {
            int *box = boxes + 5 * index;
            box[0] = found[index].x;
            box[1] = found[index].y;
            box[2] = found[index].width;
            box[3] = found[index].height;
            box[4] = static_cast<int>(regions[index].size());
        }
        return static_cast<int>(found.size());
    } catch (const std::exception &e) {
        set_error(error, e.what());
    } catch (...) {
        set_error(error, "unknown OpenCV failure");
    }
    return -1;
}
